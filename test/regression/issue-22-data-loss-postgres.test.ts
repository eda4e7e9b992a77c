import { TestDatabases } from "../peers/postgres";
import { dataLossSuite } from "./issue-22-data-loss-suite";

const databases = new TestDatabases();
dataLossSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
