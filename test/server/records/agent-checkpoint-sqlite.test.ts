import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentCheckpointSuite } from "./agent-checkpoint-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-agent-cp-sqlite-"));
agentCheckpointSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
