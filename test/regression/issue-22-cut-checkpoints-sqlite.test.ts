import { cutCheckpointsSuite } from "./issue-22-cut-checkpoints-suite";

cutCheckpointsSuite("SQLite", async () => undefined, async () => undefined);
