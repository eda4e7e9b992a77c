import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gapsSuite } from "./gaps-suite";

// A data dir, as a lab runs it: the gap records live in its SQLite record log.
const dataDir = mkdtempSync(join(tmpdir(), "telecal-gaps-sqlite-"));
gapsSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
