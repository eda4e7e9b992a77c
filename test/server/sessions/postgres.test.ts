import { TestDatabases } from "../../peers/postgres";
import { sessionsSuite } from "./sessions-suite";

const databases = new TestDatabases();
sessionsSuite(
  "PostgreSQL",
  async () => {
    const databaseUrl = await databases.fresh();
    return { databaseUrl, verifyArgs: ["--database", databaseUrl] };
  },
  () => databases.dropAll(),
);
