import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseUrlFor } from "@telecal/server";
import { witnessSuite } from "./witness-suite";

const dirs: string[] = [];
witnessSuite({
  name: "SQLite",
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), "telecal-witness-"));
    dirs.push(dir);
    return databaseUrlFor({ dataDir: dir });
  },
  async tearDown() {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  },
});
