import { TestDatabases } from "../../peers/postgres";
import { lessonConsoleSuite } from "./lesson-console-suite";

const databases = new TestDatabases();
lessonConsoleSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
