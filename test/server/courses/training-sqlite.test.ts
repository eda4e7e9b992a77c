import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { trainingSuite } from "./training-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-training-"));
trainingSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
