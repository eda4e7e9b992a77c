import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * The local PostgreSQL of `npm run setup`, through the role it creates (LOGIN CREATEDB, password
 * auth, so it works with Debian's default pg_hba as well as with trust). TELECAL_TEST_POSTGRES
 * points elsewhere.
 */
export const POSTGRES_ADMIN_URL =
  process.env["TELECAL_TEST_POSTGRES"] ?? "postgres://telecal_test:telecal_test@127.0.0.1:5432/postgres";

async function admin(query: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_ADMIN_URL.replace(/:[^:@/]+@/, ":***@")} (${err instanceof Error ? err.message : String(err)}): run \`npm run setup\`, which installs and starts it and creates the test role`,
      { cause: err },
    );
  }
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/** Fresh, empty databases for one test file; `dropAll` removes them. */
export class TestDatabases {
  private readonly created: string[] = [];

  async fresh(): Promise<string> {
    const database = `telecal_test_${randomBytes(6).toString("hex")}`;
    await admin(`create database ${database}`);
    this.created.push(database);
    const url = new URL(POSTGRES_ADMIN_URL);
    url.pathname = `/${database}`;
    return url.toString();
  }

  async dropAll(): Promise<void> {
    for (const database of this.created.splice(0)) await admin(`drop database if exists ${database} with (force)`);
  }
}
