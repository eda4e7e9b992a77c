import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashOf, isCurrent, readStamp, writeStamp } from "../../scripts/stamp.js";

// The stamp decides whether `npm start` runs Vite (scripts/build-web.js) and whether bin/telecal.js
// rebuilds dist/cli: a tree made here stands in for the repository's.
let root: string;
const INPUTS = ["web/src", "web/index.html", "web/vite.config.ts"];

function put(path: string, text: string): void {
  mkdirSync(join(root, path, ".."), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "telecal-stamp-"));
  put("web/src/main.tsx", "export const a = 1;\n");
  put("web/src/features/job/JobPage.tsx", "export const b = 2;\n");
  put("web/index.html", "<html></html>\n");
  put("web/vite.config.ts", "export default {};\n");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("build stamp", () => {
  it("hashes the same tree the same, and changes with a source's content, name or a config file", () => {
    const first = hashOf(INPUTS, root);
    expect(hashOf(INPUTS, root)).toBe(first);
    put("web/src/features/job/JobPage.tsx", "export const b = 3;\n");
    const edited = hashOf(INPUTS, root);
    expect(edited).not.toBe(first);
    renameSync(join(root, "web/src/features/job/JobPage.tsx"), join(root, "web/src/features/job/Page.tsx"));
    const renamed = hashOf(INPUTS, root);
    expect(renamed).not.toBe(edited);
    put("web/vite.config.ts", "export default { base: '/x/' };\n");
    expect(hashOf(INPUTS, root)).not.toBe(renamed);
  });

  it("ignores node_modules, dist and .vite inside the inputs, and files outside them", () => {
    const before = hashOf(INPUTS, root);
    put("web/src/node_modules/x/index.js", "1");
    put("web/src/dist/out.js", "2");
    put("web/src/.vite/deps.json", "{}");
    put("web/README.md", "not an input\n");
    expect(hashOf(INPUTS, root)).toBe(before);
  });

  it("calls a build current only with its entry file and the inputs' hash in its stamp", () => {
    const out = join(root, "web/dist");
    const hash = hashOf(INPUTS, root);
    mkdirSync(out);
    expect(readStamp(out)).toBeNull();
    expect(isCurrent(out, "index.html", hash)).toBe(false); // never built
    writeStamp(out, hash);
    expect(readStamp(out)).toBe(hash);
    expect(isCurrent(out, "index.html", hash)).toBe(false); // stamped, but the entry is gone
    put("web/dist/index.html", "<html></html>\n");
    expect(isCurrent(out, "index.html", hash)).toBe(true);
    put("web/src/main.tsx", "export const a = 2;\n");
    expect(isCurrent(out, "index.html", hashOf(INPUTS, root))).toBe(false); // a source changed
  });
});
