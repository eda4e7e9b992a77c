import { randomBytes } from "node:crypto";
import pg from "pg";
import { storeSuite } from "./store-suite";

/** The local server of `npm run setup`, trust auth for local connections. */
const ADMIN_URL = process.env["TELECAL_TEST_POSTGRES"] ?? "postgres://postgres@127.0.0.1:5432/postgres";
const database = `telecal_test_${randomBytes(6).toString("hex")}`;
let created = false;

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
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
    return await run(client);
  } finally {
    await client.end();
  }
}

storeSuite({
  name: "PostgreSQL",
  async setUp() {
    await admin((c) => c.query(`create database ${database}`));
    created = true;
    const url = new URL(ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  },
  async tearDown() {
    if (created) await admin((c) => c.query(`drop database if exists ${database} with (force)`));
  },
});
