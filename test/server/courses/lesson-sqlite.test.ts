import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lessonSuite } from "./lesson-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-lesson-"));
lessonSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
