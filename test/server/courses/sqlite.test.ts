import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { coursesSuite } from "./courses-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-courses-"));
coursesSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
