import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const eslint = new ESLint({ cwd: root });

async function importErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layering is enforced by lint", () => {
  it("fails a file in agent/ that imports from server/", async () => {
    expect(await importErrors("agent/src/bad.ts", 'import { startServer } from "@telecal/server";\nstartServer();\n')).toEqual([
      expect.stringContaining("agent/ and server/ never import each other"),
    ]);
    expect(await importErrors("agent/src/bad.ts", 'import { Hub } from "@telecal/server/realtime/hub";\nnew Hub();\n')).toHaveLength(1);
  });

  it("fails server/ importing agent/, protocols/ importing anything of ours, web/ importing server/", async () => {
    expect(await importErrors("server/src/bad.ts", 'import { Agent } from "@telecal/agent";\nvoid Agent;\n')).toHaveLength(1);
    expect(await importErrors("protocols/src/bad.ts", 'import { x } from "@telecal/metrology";\nvoid x;\n')).toHaveLength(1);
    expect(await importErrors("metrology/src/bad.ts", 'import { Agent } from "@telecal/agent";\nvoid Agent;\n')).toHaveLength(1);
    expect(await importErrors("web/src/bad.ts", 'import { Hub } from "@telecal/server";\nvoid Hub;\n')).toHaveLength(1);
  });

  it("allows the imports DESIGN.md allows", async () => {
    expect(await importErrors("agent/src/ok.ts", 'import { ERRORS } from "@telecal/protocols";\nvoid ERRORS;\n')).toEqual([]);
    expect(await importErrors("web/src/ok.ts", 'import { formatEngineering } from "@telecal/metrology";\nvoid formatEngineering;\n')).toEqual([]);
    expect(await importErrors("cli/ok.ts", 'import { startServer } from "@telecal/server";\nimport { Agent } from "@telecal/agent";\nvoid startServer; void Agent;\n')).toEqual([]);
  });
});
