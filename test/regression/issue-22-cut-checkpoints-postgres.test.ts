import { TestDatabases } from "../peers/postgres";
import { cutCheckpointsSuite } from "./issue-22-cut-checkpoints-suite";

const databases = new TestDatabases();
cutCheckpointsSuite("PostgreSQL", () => databases.fresh(), () => databases.dropAll());
