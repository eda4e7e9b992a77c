import { TestDatabases } from "../../peers/postgres";
import { refusalsSuite } from "./refusals-suite";

const databases = new TestDatabases();
refusalsSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
