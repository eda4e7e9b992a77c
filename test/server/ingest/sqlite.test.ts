import { refusalsSuite } from "./refusals-suite";

refusalsSuite("SQLite", async () => ({}), async () => undefined);
