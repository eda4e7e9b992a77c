import { TestDatabases } from "../../peers/postgres";
import { lessonSuite } from "./lesson-suite";

const databases = new TestDatabases();
lessonSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
