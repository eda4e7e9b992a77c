import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { TelecalError } from "@telecal/protocols";
import { Database } from "./sqlite-driver";
import { SqliteDialectKeepingCause } from "./sqlite-dialect";
import { cachePreparedStatements } from "./statement-cache";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Schema } from "./schema";

export type DialectName = "sqlite" | "postgres";

export interface OpenDatabase {
  db: Kysely<Schema>;
  dialect: DialectName;
  /** The URL without its password, for logs and messages. */
  where: string;
}

/** The SQLite file of a data dir. */
export const DATABASE_FILE = "telecal.db";

export const IN_MEMORY = "sqlite::memory:";

/**
 * Which database a server uses: an explicit URL wins, then a file in the data dir; neither gives a
 * throw-away in-memory database (tests that do not care about durability).
 */
export function databaseUrlFor(options: { dataDir?: string; databaseUrl?: string }): string {
  if (options.databaseUrl) return options.databaseUrl;
  if (options.dataDir) return `sqlite:${join(resolve(options.dataDir), DATABASE_FILE)}`;
  return IN_MEMORY;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, "$1:***@");
}

/** BIGINT (oid 20) as a JS number: seqs and millisecond times stay far below 2^53. */
const INT8_OID = 20;
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8_OID && format !== "binary"
      ? (value: string) => Number(value)
      : // pg-types declares every parser as `any`; a parser takes the column's text.
        (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

/** Opens `postgres://...` or `sqlite:FILE` (`sqlite::memory:` for a throw-away one). */
export function openDatabase(url: string): OpenDatabase {
  if (isPostgresUrl(url)) {
    const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
    // A broken idle connection is dropped by the pool; the next query opens a new one.
    pool.on("error", () => undefined);
    return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), dialect: "postgres", where: redactUrl(url) };
  }
  if (url.startsWith("sqlite:") && url.length > "sqlite:".length) {
    const file = url.slice("sqlite:".length);
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const database = new Database(file);
    database.pragma("journal_mode = WAL");
    // An ack means durable: every commit reaches the disk before it returns.
    database.pragma("synchronous = FULL");
    database.pragma("busy_timeout = 5000");
    database.pragma("foreign_keys = ON");
    return {
      db: new Kysely<Schema>({ dialect: new SqliteDialectKeepingCause(cachePreparedStatements(database)) }),
      dialect: "sqlite",
      where: url,
    };
  }
  throw new TelecalError("TC_ERR_DATABASE_URL", { url: redactUrl(url) });
}
