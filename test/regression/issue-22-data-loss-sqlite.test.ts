import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dataLossSuite } from "./issue-22-data-loss-suite";

// A data dir, as a lab runs it: the store restored is its SQLite file.
const dataDir = mkdtempSync(join(tmpdir(), "telecal-data-loss-sqlite-"));
dataLossSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
