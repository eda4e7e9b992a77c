import { TestDatabases } from "../../peers/postgres";
import { conformityDecisionsSuite } from "./conformity-decisions-suite";
import { jobsSuite } from "./jobs-suite";

const databases = new TestDatabases();
jobsSuite(
  "PostgreSQL",
  async () => {
    const databaseUrl = await databases.fresh();
    return { databaseUrl, verifyArgs: ["--database", databaseUrl] };
  },
  () => databases.dropAll(),
);
conformityDecisionsSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
