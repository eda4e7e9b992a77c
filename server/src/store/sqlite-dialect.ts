import type { Database } from "better-sqlite3";
import { type DatabaseConnection, type Driver, SqliteDialect } from "kysely";

/**
 * Kysely's SQLite dialect, except that a failed transaction keeps its own error. On some errors
 * (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM, a read-only file) SQLite has already rolled the
 * transaction back itself; Kysely's ROLLBACK then fails with "cannot rollback - no transaction is
 * active", and that error replaced the real one (issue 22, finding 7c). ROLLBACK is skipped when
 * no transaction is open, so the caller sees, answers and logs the cause.
 */
export class SqliteDialectKeepingCause extends SqliteDialect {
  constructor(private readonly database: Database) {
    super({ database });
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (connection: DatabaseConnection) => {
      if (this.database.inTransaction) await rollback(connection);
    };
    return driver;
  }
}
