import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lessonConsoleSuite } from "./lesson-console-suite";

const dataDir = mkdtempSync(join(tmpdir(), "telecal-lesson-console-"));
lessonConsoleSuite("SQLite", async () => ({ dataDir }), async () => rmSync(dataDir, { recursive: true, force: true }));
