import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sessionsSuite } from "./sessions-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-sessions-"));
sessionsSuite("SQLite", async () => ({ dataDir, verifyArgs: ["--data-dir", dataDir] }), async () => rmSync(dataDir, { recursive: true, force: true }));
