import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { conformityDecisionsSuite } from "./conformity-decisions-suite";
import { jobsSuite } from "./jobs-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-jobs-"));
jobsSuite("SQLite", async () => ({ dataDir, verifyArgs: ["--data-dir", dataDir] }), async () => rmSync(dataDir, { recursive: true, force: true }));

const decisionsDir = mkdtempSync(join(tmpdir(), "telecal-decisions-"));
conformityDecisionsSuite("SQLite", async () => ({ dataDir: decisionsDir }), async () => rmSync(decisionsDir, { recursive: true, force: true }));
