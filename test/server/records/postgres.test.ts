import { randomBytes } from "node:crypto";
import pg from "pg";
import { recordsSuite } from "./records-suite";

/** The local server of `npm run setup`, trust auth for local connections. */
const ADMIN_URL = process.env["TELECAL_TEST_POSTGRES"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
const created: string[] = [];

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${err instanceof Error ? err.message : String(err)}): run \`npm run setup\`, which installs and starts it`,
      { cause: err },
    );
  }
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

recordsSuite({
  name: "PostgreSQL",
  sharedByProcesses: true,
  async fresh() {
    const database = `telecal_test_${randomBytes(6).toString("hex")}`;
    await admin(`create database ${database}`);
    created.push(database);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  },
  async tearDown() {
    for (const database of created) await admin(`drop database if exists ${database} with (force)`);
  },
});
