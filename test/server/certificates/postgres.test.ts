import { TestDatabases } from "../../peers/postgres";
import { certificatesSuite } from "./certificates-suite";

const databases = new TestDatabases();
certificatesSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
