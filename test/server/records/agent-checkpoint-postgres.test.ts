import { TestDatabases } from "../../peers/postgres";
import { agentCheckpointSuite } from "./agent-checkpoint-suite";

const databases = new TestDatabases();
agentCheckpointSuite("PostgreSQL", async () => ({ databaseUrl: await databases.fresh() }), () => databases.dropAll());
