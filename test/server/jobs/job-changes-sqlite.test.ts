import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobChangesSuite } from "./job-changes-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-job-changes-"));
jobChangesSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
