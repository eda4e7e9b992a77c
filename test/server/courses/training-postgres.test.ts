import { TestDatabases } from "../../peers/postgres";
import { trainingSuite } from "./training-suite";

const databases = new TestDatabases();
trainingSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
