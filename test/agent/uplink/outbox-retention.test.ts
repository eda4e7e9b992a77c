import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { silentLogger } from "@telecal/agent";
import { Outbox, type OutboxOptions } from "@telecal/agent/uplink/outbox";

const HOUR = 3_600_000;
const reading = (i: number) => ({ t: 1_700_000_000_000 + i * 100, value: 10 + i * 1e-6, flags: 0 });

/**
 * Acknowledged readings stay in the outbox for the retention window after their ack, within the
 * cap, so that a server that lost them gets them again; what is no longer held becomes a seq gap.
 */
describe("outbox retention of acknowledged readings", () => {
  let dir: string;
  let file: string;
  let clock: number;
  const open = (options: Partial<OutboxOptions> = {}) => new Outbox({ file, log: silentLogger, retentionMs: 24 * HOUR, now: () => clock, ...options });
  const fill = (outbox: Outbox, from: number, to: number) => {
    for (let i = from; i < to; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    outbox.commit();
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telecal-retention-"));
    file = join(dir, "outbox.db");
    clock = 1_700_000_000_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps acknowledged readings and the acked seq across a restart, and deletes them once the window after their ack has passed", () => {
    const outbox = open();
    fill(outbox, 0, 10);
    expect(outbox.ack("dmm1.dcv", 5)).toBe(6);
    expect([outbox.size, outbox.retained]).toEqual([4, 6]);
    expect(outbox.peek("dmm1.dcv", 100)?.firstSeq).toBe(6);
    clock += 12 * HOUR;
    expect(outbox.ack("dmm1.dcv", 9)).toBe(4);
    outbox.close();

    const again = open();
    expect(again.ackedSeqs()).toEqual({ "dmm1.dcv": 9 });
    expect([again.size, again.retained]).toEqual([0, 10]);
    expect(again.peek("dmm1.dcv", 100)).toBeNull();
    expect(again.pendingStreams()).toEqual([]);
    // 24 h after the first ack: seqs 0-5 go, 6-9 (acked 12 h later) stay.
    clock += 12 * HOUR;
    fill(again, 10, 11);
    again.ack("dmm1.dcv", 10);
    expect(again.retained).toBe(5);
    again.close();
    // Opening after the window prunes too.
    clock += 25 * HOUR;
    const later = open();
    expect([later.size, later.retained]).toEqual([0, 0]);
    expect(later.ackedSeqs()).toEqual({ "dmm1.dcv": 10 });
    later.close();
  });

  it("gives the cap's room to new readings first: acknowledged ones go, oldest ack first, before any gap", () => {
    const outbox = open({ capacity: 10 });
    fill(outbox, 0, 10);
    outbox.ack("dmm1.dcv", 4);
    clock += HOUR;
    outbox.ack("dmm1.dcv", 9);
    fill(outbox, 10, 13);
    // The oldest ack's readings (0-4) made room; 5-9 stay retained, 10-12 pending, no gap.
    expect([outbox.size, outbox.retained]).toEqual([3, 5]);
    expect(outbox.gaps()).toEqual([]);
    fill(outbox, 13, 20);
    expect([outbox.size, outbox.retained, outbox.gaps()]).toEqual([10, 0, []]);
    // Only with nothing acknowledged left does a reading become a gap.
    fill(outbox, 20, 21);
    expect(outbox.gaps()).toMatchObject([{ firstSeq: 20, count: 1, reason: "outbox-full" }]);
    outbox.close();
  });

  it("with a retention of 0 deletes readings at their ack, as before", () => {
    const outbox = open({ retentionMs: 0 });
    fill(outbox, 0, 5);
    outbox.ack("dmm1.dcv", 4);
    expect([outbox.size, outbox.retained]).toEqual([0, 0]);
    outbox.close();
  });

  it("a server that holds less than it acknowledged gets the retained readings again, from its seq", () => {
    const outbox = open();
    fill(outbox, 0, 10);
    outbox.ack("dmm1.dcv", 7);
    outbox.resume("dmm1.dcv", 3);
    expect(outbox.ackedSeqs()).toEqual({ "dmm1.dcv": 3 });
    expect([outbox.size, outbox.retained]).toEqual([6, 4]);
    expect(outbox.peek("dmm1.dcv", 100)).toMatchObject({ firstSeq: 4, readings: [4, 5, 6, 7, 8, 9].map(reading) });
    expect(outbox.gaps()).toEqual([]);
    // Acked again: retained from the new ack, and the old acks beyond seq 3 no longer prune them early.
    clock += 20 * HOUR;
    outbox.ack("dmm1.dcv", 9);
    clock += 5 * HOUR;
    outbox.ack("dmm1.dcv", 9);
    fill(outbox, 10, 11);
    outbox.ack("dmm1.dcv", 10);
    expect(outbox.retained).toBe(7);
    outbox.close();
  });

  it("seqs the server lost and this outbox no longer holds become a seq gap that goes before the stream's next batch", () => {
    const outbox = open();
    fill(outbox, 0, 10);
    outbox.ack("dmm1.dcv", 5);
    clock += 25 * HOUR;
    outbox.ack("dmm1.dcv", 7); // prunes 0-5, keeps 6-7
    expect(outbox.retained).toBe(2);
    outbox.resume("dmm1.dcv", 2);
    const [gap] = outbox.gaps();
    expect(gap).toMatchObject({ streamId: "dmm1.dcv", firstSeq: 3, lastSeq: 5, count: 3, reason: "server-lost", reported: false });
    expect(outbox.closedGaps()).toMatchObject([{ id: gap!.id, instrumentId: "dmm1", lastSeq: 5 }]);
    // Held back until the gap is delivered, then sent from 6, the lowest seq still held.
    expect(outbox.pendingStreams()).toEqual([]);
    outbox.close();
    const again = open();
    expect(again.pendingStreams()).toEqual([]);
    again.markGapsReported([gap!.id]);
    expect(again.pendingStreams()).toEqual(["dmm1.dcv"]);
    expect(again.peek("dmm1.dcv", 100)).toMatchObject({ firstSeq: 6, readings: [6, 7, 8, 9].map(reading) });
    // A hello after the gap went: the server holds up to 5, past the gap; nothing more to do.
    again.resume("dmm1.dcv", 5);
    expect(again.gaps()).toEqual([]);
    again.close();
  });

  it("with nothing held at all, the whole lost range is one seq gap", () => {
    const outbox = open({ retentionMs: 0 });
    fill(outbox, 0, 10);
    outbox.ack("dmm1.dcv", 9);
    outbox.resume("dmm1.dcv", -1);
    expect(outbox.gaps()).toMatchObject([{ firstSeq: 0, lastSeq: 9, reason: "server-lost" }]);
    fill(outbox, 10, 12);
    expect(outbox.peek("dmm1.dcv", 100)?.firstSeq).toBe(10);
    outbox.close();
  });

  it("an outbox file of schema 2 takes the readings it holds as unacknowledged and the seqs below as acked", () => {
    const db = new Database(file);
    db.exec(`
      CREATE TABLE streams (stream_id TEXT PRIMARY KEY, instrument_id TEXT NOT NULL, next_seq INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE readings (stream_id TEXT NOT NULL, seq INTEGER NOT NULL, t REAL NOT NULL, value REAL, flags INTEGER NOT NULL, unit TEXT NOT NULL,
        clock_offset_ms REAL NOT NULL DEFAULT 0, clock_uncertainty_ms REAL NOT NULL DEFAULT 1000, PRIMARY KEY (stream_id, seq)) WITHOUT ROWID;
      CREATE TABLE gaps (id INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, first_seq INTEGER NOT NULL, count INTEGER NOT NULL,
        t_first REAL NOT NULL, t_last REAL NOT NULL, reason TEXT NOT NULL, reported INTEGER NOT NULL DEFAULT 0);
      INSERT INTO streams VALUES ('dmm1.dcv', 'dmm1', 10), ('dmm2.dcv', 'dmm2', 4);
      PRAGMA user_version = 2;`);
    const insert = db.prepare("INSERT INTO readings (stream_id, seq, t, value, flags, unit) VALUES ('dmm1.dcv', ?, ?, ?, 0, 'V')");
    for (let i = 5; i < 10; i++) insert.run(i, reading(i).t, reading(i).value);
    db.close();
    const outbox = open();
    expect(outbox.ackedSeqs()).toEqual({ "dmm1.dcv": 4, "dmm2.dcv": 3 });
    expect([outbox.size, outbox.retained]).toEqual([5, 0]);
    expect(outbox.peek("dmm1.dcv", 100)?.firstSeq).toBe(5);
    outbox.close();
  });
});
