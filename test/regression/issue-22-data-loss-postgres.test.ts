import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestDatabases } from "../peers/postgres";
import { dataLossSuite } from "./issue-22-data-loss-suite";

const databases = new TestDatabases();
// The data dir holds the record log's key and its last checkpoint, as `telecal server --database` keeps them.
const dataDir = mkdtempSync(join(tmpdir(), "telecal-data-loss-postgres-"));
dataLossSuite(
  "PostgreSQL",
  async () => ({ databaseUrl: await databases.fresh(), dataDir }),
  async () => {
    await databases.dropAll();
    rmSync(dataDir, { recursive: true, force: true });
  },
);
