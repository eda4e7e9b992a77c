import { TestDatabases } from "../../peers/postgres";
import { gapsSuite } from "./gaps-suite";

const databases = new TestDatabases();
gapsSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
