import { TestDatabases } from "../../peers/postgres";
import { jobChangesSuite } from "./job-changes-suite";

const databases = new TestDatabases();
jobChangesSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
