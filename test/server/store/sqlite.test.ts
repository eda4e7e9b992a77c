import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTelecalError } from "@telecal/protocols";
import { DATABASE_FILE, databaseUrlFor, Store } from "@telecal/server";
import { Database } from "@telecal/server/store/sqlite-driver";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storeSuite } from "./store-suite";

let dir = "";
storeSuite({
  name: "SQLite",
  async setUp() {
    dir = mkdtempSync(join(tmpdir(), "telecal-store-"));
    return databaseUrlFor({ dataDir: dir });
  },
  async tearDown() {
    rmSync(dir, { recursive: true, force: true });
  },
});

describe("SQLite store file", () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-store-"));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("is telecal.db in the data dir, in WAL mode, with every commit synced (synchronous=FULL)", async () => {
    const store = await Store.open(databaseUrlFor({ dataDir: join(dataDir, "new", "dir") }));
    try {
      const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
      expect(sync.rows[0]?.synchronous).toBe(2);
      const busy = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
      expect(busy.rows[0]?.timeout).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
    const file = new Database(join(dataDir, "new", "dir", DATABASE_FILE), { readonly: true });
    expect(file.pragma("journal_mode", { simple: true })).toBe("wal");
    file.close();
  });

  it("refuses a URL that names no database (TC_ERR_DATABASE_URL)", async () => {
    const err = await Store.open("mysql://root@localhost/telecal").catch((e: unknown) => e);
    expect(isTelecalError(err, "TC_ERR_DATABASE_URL")).toBe(true);
  });
});
