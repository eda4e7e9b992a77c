import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The lint config is checked on the real tree: each violation is a file planted for the test in the
// package folder it violates, linted with the project's own type-aware config, then removed.
const root = fileURLToPath(new URL("../..", import.meta.url));
const tag = `__planted_${process.pid}`;

const PLANTS: Record<string, string> = {
  [`protocols/src/${tag}_cycle_a.ts`]: `import { B } from "./${tag}_cycle_b";\nexport const A = 1;\nexport const AB = A + B;\n`,
  [`protocols/src/${tag}_cycle_b.ts`]: `import { A } from "./${tag}_cycle_a";\nexport const B = 2;\nexport const BA = (): number => A;\n`,
  [`cli/${tag}_relative.ts`]: `import { SERVER_VERSION } from "../server/src/version";\nexport const v = SERVER_VERSION;\n`,
  [`test/lint/${tag}_relative.ts`]: `import { AGENT_VERSION } from "../../agent/src/version";\nexport const v = AGENT_VERSION;\n`,
  [`agent/src/${tag}_floating.ts`]: `function later(): Promise<number> {\n  return Promise.resolve(1);\n}\nexport function start(): void {\n  later();\n}\n`,
  [`metrology/src/${tag}_switch.ts`]: `type Kind = "set" | "read" | "manual";\nexport function cost(kind: Kind): number {\n  switch (kind) {\n    case "set":\n      return 1;\n    case "read":\n      return 2;\n  }\n  return 0;\n}\n`,
  [`server/src/${tag}_long.ts`]: Array.from({ length: 301 }, (_, i) => `export const line${i} = ${i};\n`).join(""),
  [`agent/src/${tag}_layer.ts`]: `import { SERVER_VERSION } from "@telecal/server/version";\nexport const v = SERVER_VERSION;\n`,
  [`server/src/${tag}_layer.ts`]: `import { AGENT_VERSION } from "@telecal/agent/version";\nexport const v = AGENT_VERSION;\n`,
  [`protocols/src/${tag}_layer.ts`]: `import { formatEngineering } from "@telecal/metrology/si-prefix";\nexport const f = formatEngineering;\n`,
  [`metrology/src/${tag}_layer.ts`]: `import { AGENT_VERSION } from "@telecal/agent/version";\nexport const v = AGENT_VERSION;\n`,
  [`web/src/${tag}_layer.ts`]: `import { SERVER_VERSION } from "@telecal/server/version";\nexport const v = SERVER_VERSION;\n`,
  // What DESIGN.md allows: the CLI wires server and agent together; web/ uses metrology/.
  [`cli/${tag}_allowed.ts`]: `import { AGENT_VERSION } from "@telecal/agent/version";\nimport { SERVER_VERSION } from "@telecal/server/version";\nexport const v = [AGENT_VERSION, SERVER_VERSION];\n`,
  [`web/src/${tag}_allowed.ts`]: `import { formatEngineering } from "@telecal/metrology/si-prefix";\nexport const f = formatEngineering;\n`,
};

// The real files the plants import or stand beside: the unplanted tree must be clean under the same rules.
const REAL = ["protocols/src/version.ts", "protocols/src/canonical.ts", "metrology/src/si-prefix.ts", "agent/src/version.ts", "server/src/version.ts"];

let results = new Map<string, ESLint.LintResult>();

/** The rule ids and messages reported for one file. */
function reported(file: string): { rule: string | null; message: string }[] {
  const result = results.get(file);
  if (!result) throw new Error(`${file} was not linted`);
  return result.messages.map((m) => ({ rule: m.ruleId, message: m.message }));
}

beforeAll(async () => {
  try {
    for (const [file, text] of Object.entries(PLANTS)) writeFileSync(join(root, file), text);
    const linted = await new ESLint({ cwd: root }).lintFiles([...Object.keys(PLANTS), ...REAL]);
    results = new Map(linted.map((r) => [r.filePath.slice(root.length), r]));
  } finally {
    for (const file of Object.keys(PLANTS)) rmSync(join(root, file), { force: true });
  }
}, 600_000);

afterAll(() => {
  for (const file of Object.keys(PLANTS)) rmSync(join(root, file), { force: true });
});

describe("lint on the real tree reports each planted violation by its rule", () => {
  it("an import cycle (import-x/no-cycle), on both of its files", () => {
    expect(reported(`protocols/src/${tag}_cycle_a.ts`)).toEqual([{ rule: "import-x/no-cycle", message: expect.stringContaining("cycle") }]);
    expect(reported(`protocols/src/${tag}_cycle_b.ts`)).toEqual([{ rule: "import-x/no-cycle", message: expect.stringContaining("cycle") }]);
  });

  it("a relative import into another package's src/ (import-x/no-relative-packages), from cli/ and from test/", () => {
    expect(reported(`cli/${tag}_relative.ts`)).toEqual([{ rule: "import-x/no-relative-packages", message: expect.stringContaining("Relative import from another package") }]);
    expect(reported(`test/lint/${tag}_relative.ts`)).toEqual([{ rule: "import-x/no-relative-packages", message: expect.stringContaining("Relative import from another package") }]);
  });

  it("a promise nobody awaits (no-floating-promises) and a switch missing a case of its union (switch-exhaustiveness-check)", () => {
    expect(reported(`agent/src/${tag}_floating.ts`)).toEqual([{ rule: "@typescript-eslint/no-floating-promises", message: expect.stringContaining("Promises must be awaited") }]);
    expect(reported(`metrology/src/${tag}_switch.ts`)).toEqual([{ rule: "@typescript-eslint/switch-exhaustiveness-check", message: expect.stringContaining('"manual"') }]);
  });

  it("a source file of more than 300 lines (max-lines)", () => {
    expect(reported(`server/src/${tag}_long.ts`)).toEqual([{ rule: "max-lines", message: expect.stringContaining("Maximum allowed is 300") }]);
  });

  it("an import DESIGN.md's layering forbids (no-restricted-imports), in each package that has a rule", () => {
    const layering = (why: string) => [{ rule: "no-restricted-imports", message: expect.stringContaining(why) }];
    expect(reported(`agent/src/${tag}_layer.ts`)).toEqual(layering("agent/ and server/ never import each other"));
    expect(reported(`server/src/${tag}_layer.ts`)).toEqual(layering("agent/ and server/ never import each other"));
    expect(reported(`protocols/src/${tag}_layer.ts`)).toEqual(layering("protocols/ is the contract"));
    expect(reported(`metrology/src/${tag}_layer.ts`)).toEqual(layering("metrology/ is pure domain"));
    expect(reported(`web/src/${tag}_layer.ts`)).toEqual(layering("web/ imports only protocols/ and metrology/"));
  });

  it("nothing for the imports DESIGN.md allows, nor for the real files the plants import", () => {
    expect(reported(`cli/${tag}_allowed.ts`)).toEqual([]);
    expect(reported(`web/src/${tag}_allowed.ts`)).toEqual([]);
    for (const file of REAL) expect([file, reported(file)]).toEqual([file, []]);
  });
});
