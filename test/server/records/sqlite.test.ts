import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseUrlFor } from "@telecal/server";
import { recordsSuite } from "./records-suite";

const dirs: string[] = [];
recordsSuite({
  name: "SQLite",
  sharedByProcesses: false,
  async fresh() {
    const dir = mkdtempSync(join(tmpdir(), "telecal-records-"));
    dirs.push(dir);
    return databaseUrlFor({ dataDir: dir });
  },
  async tearDown() {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  },
});
