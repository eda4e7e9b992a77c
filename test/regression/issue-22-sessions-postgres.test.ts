import { TestDatabases } from "../peers/postgres";
import { sessionsSuite } from "./issue-22-sessions-suite";

const databases = new TestDatabases();
sessionsSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
