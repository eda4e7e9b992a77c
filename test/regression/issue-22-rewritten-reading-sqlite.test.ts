import { rewrittenReadingSuite } from "./issue-22-rewritten-reading-suite";

rewrittenReadingSuite("SQLite", async () => ({}), async () => undefined);
