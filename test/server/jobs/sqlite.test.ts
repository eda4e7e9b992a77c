import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobsSuite } from "./jobs-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-jobs-"));
jobsSuite("SQLite", async () => ({ dataDir, verifyArgs: ["--data-dir", dataDir] }), async () => rmSync(dataDir, { recursive: true, force: true }));
