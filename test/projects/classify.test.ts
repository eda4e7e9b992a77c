import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unitTestFiles } from "./classify";

// A small tree with the repository's layout: which of its test files does the classifier call pure?
let root: string;
function put(path: string, text: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "telecal-classify-"));
  put("metrology/src/index.ts", 'export * from "./sum";\n');
  put("metrology/src/sum.ts", "export const sum = (a: number, b: number) => a + b;\n");
  put("agent/src/index.ts", 'export * from "./uplink/outbox";\n');
  put("agent/src/uplink/outbox.ts", 'import Database from "better-sqlite3";\nexport const open = () => new Database(":memory:");\n');
  put("agent/src/dialects/scpi.ts", 'import { sum } from "@telecal/metrology";\nexport const frame = (s: string) => `${s}\\n${sum(1, 2)}`;\n');
  put("test/fakes/server.ts", 'import { createServer } from "node:http";\nexport const start = () => createServer();\n');
  put("test/fakes/pure.ts", 'export const one = 1;\n');
  put("test/metrology/sum.test.ts", 'import { sum } from "@telecal/metrology";\nimport { one } from "../fakes/pure";\n');
  put("test/agent/scpi.test.ts", 'import { frame } from "@telecal/agent/dialects/scpi";\n');
  put("test/agent/outbox.test.ts", 'import { open } from "@telecal/agent";\n');
  put("test/server/http.test.ts", 'import { start } from "../fakes/server";\n');
  put("test/cli/spawn.test.ts", 'import { spawn } from "node:child_process";\n');
  put("test/cli/lazy.test.ts", 'const { execFile } = await import("node:child_process");\nexecFile("x");\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("unit/integration classifier", () => {
  it("calls a test unit only when nothing it imports, transitively, does I/O", () => {
    expect(unitTestFiles(root)).toEqual(["test/agent/scpi.test.ts", "test/metrology/sum.test.ts"]);
  });
});
