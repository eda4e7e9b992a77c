import type { Database, Statement } from "better-sqlite3";

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running a batch
 * insert. A statement is reusable once it has run (nothing here iterates one lazily), so the last
 * `size` distinct SQL texts keep theirs, least recently used dropped first.
 */
export function cachePreparedStatements(database: Database, size = 256): Database {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, Statement>();
  database.prepare = ((source: string) => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source);
    } else {
      statement = prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value!);
    }
    cache.set(source, statement);
    return statement;
  }) as Database["prepare"];
  return database;
}
