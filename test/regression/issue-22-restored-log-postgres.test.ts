import { TestDatabases } from "../peers/postgres";
import { restoredLogSuite } from "./issue-22-restored-log-suite";

const databases = new TestDatabases();
restoredLogSuite("PostgreSQL", () => databases.fresh(), () => databases.dropAll());
