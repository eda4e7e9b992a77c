import { TestDatabases } from "../peers/postgres";
import { rewrittenReadingSuite } from "./issue-22-rewritten-reading-suite";

const databases = new TestDatabases();
rewrittenReadingSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
