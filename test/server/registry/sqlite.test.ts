import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { databaseUrlFor } from "@telecal/server";
import { registrySuite } from "./registry-suite";

let dir = "";
registrySuite({
  name: "SQLite",
  async setUp() {
    dir = mkdtempSync(join(tmpdir(), "telecal-registry-"));
    return databaseUrlFor({ dataDir: dir });
  },
  async tearDown() {
    rmSync(dir, { recursive: true, force: true });
  },
});
