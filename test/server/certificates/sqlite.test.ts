import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificatesSuite } from "./certificates-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-certificates-"));
certificatesSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
