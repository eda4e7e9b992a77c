import { isolationSuite } from "./isolation-suite";

// The demo stack's SQLite data dir.
isolationSuite("SQLite", () => Promise.resolve(undefined), () => Promise.resolve());
