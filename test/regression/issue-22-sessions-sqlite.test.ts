import { sessionsSuite } from "./issue-22-sessions-suite";

sessionsSuite("SQLite", async () => ({}), async () => undefined);
