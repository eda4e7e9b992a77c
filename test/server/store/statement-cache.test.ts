import { Database } from "@telecal/server/store/sqlite-driver";
import { describe, expect, it } from "vitest";
import { cachePreparedStatements } from "@telecal/server/store/statement-cache";

describe("prepared statement cache", () => {
  it("gives the same statement for the same SQL, keeps at most `size`, and the statements still run", () => {
    const db = cachePreparedStatements(new Database(":memory:"), 2);
    db.exec("CREATE TABLE t (x INTEGER)");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    expect(db.prepare("INSERT INTO t VALUES (?)")).toBe(insert);
    insert.run(1);
    db.prepare("INSERT INTO t VALUES (?)").run(2);
    const count = db.prepare("SELECT count(*) AS n FROM t");
    expect(count.get()).toEqual({ n: 2 });
    // A third SQL text drops the least recently used (the insert), not the one just used.
    db.prepare("SELECT 1");
    expect(db.prepare("SELECT count(*) AS n FROM t")).toBe(count);
    expect(db.prepare("INSERT INTO t VALUES (?)")).not.toBe(insert);
    db.close();
  });
});
