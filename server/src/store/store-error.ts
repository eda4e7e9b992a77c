/**
 * Whether `err` comes from the database itself: better-sqlite3's SqliteError (code SQLITE_...) or
 * pg's DatabaseError (a five-character SQLSTATE and a severity). A route that meets one answers
 * TC_ERR_STORE_FAILED and logs it, rather than a bare internal error.
 */
export function isStoreError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return false;
  if (err.name === "SqliteError" && code.startsWith("SQLITE_")) return true;
  return /^[0-9A-Z]{5}$/.test(code) && typeof (err as { severity?: unknown }).severity === "string";
}
