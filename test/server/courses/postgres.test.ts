import { TestDatabases } from "../../peers/postgres";
import { coursesSuite } from "./courses-suite";

const databases = new TestDatabases();
coursesSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
