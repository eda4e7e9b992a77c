import { restoredLogSuite } from "./issue-22-restored-log-suite";

restoredLogSuite("SQLite", async () => undefined, async () => undefined);
