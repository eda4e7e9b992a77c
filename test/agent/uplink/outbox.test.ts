import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Logger } from "@telecal/agent/log";
import { Outbox, type OutboxOptions } from "@telecal/agent/uplink/outbox";

interface Line {
  level: string;
  msg: string;
  obj: object;
}

/** A logger that keeps every line, to check what the outbox reported. */
function recordingLogger(lines: Line[]): Logger {
  const at =
    (level: string) =>
    (obj: object, msg = "") =>
      lines.push({ level, msg, obj });
  const log: Logger = { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => log };
  return log;
}

const reading = (i: number) => ({ t: 1_700_000_000_000 + i * 100, value: 10 + i * 1e-6, flags: 0 });

describe("outbox", () => {
  let dir: string;
  let file: string;
  let lines: Line[];
  const open = (options: Partial<OutboxOptions> = {}) => new Outbox({ file, log: recordingLogger(lines), ...options });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telecal-outbox-"));
    file = join(dir, "data", "outbox.db");
    lines = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("numbers each stream gap-free from 0 and keeps the numbering across a restart", () => {
    const first = open();
    for (let i = 0; i < 5; i++) first.push("dmm1", "dmm1.dcv", "V", reading(i));
    for (let i = 0; i < 3; i++) first.push("dmm2", "dmm2.dcv", "V", reading(i));
    first.close();

    const again = open();
    expect(again.size).toBe(8);
    expect(again.nextSeq("dmm1.dcv")).toBe(5);
    for (let i = 5; i < 7; i++) again.push("dmm1", "dmm1.dcv", "V", reading(i));
    again.commit();
    const batch = again.peek("dmm1.dcv", 100);
    expect(batch).toMatchObject({ streamId: "dmm1.dcv", instrumentId: "dmm1", unit: "V", firstSeq: 0 });
    expect(batch?.readings).toEqual([0, 1, 2, 3, 4, 5, 6].map(reading));
    expect(again.peek("dmm2.dcv", 2)).toMatchObject({ firstSeq: 0, readings: [reading(0), reading(1)] });
    expect(again.pendingStreams().sort()).toEqual(["dmm1.dcv", "dmm2.dcv"]);
    again.close();
  });

  it("deletes readings only when acked, and an ack survives a restart", () => {
    const outbox = open();
    for (let i = 0; i < 10; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    outbox.commit();
    expect(outbox.ack("dmm1.dcv", 3)).toBe(4);
    expect(outbox.ack("dmm1.dcv", 3)).toBe(0);
    expect(outbox.size).toBe(6);
    expect(outbox.peek("dmm1.dcv", 100)?.firstSeq).toBe(4);
    outbox.close();

    const again = open();
    expect(again.size).toBe(6);
    expect(again.peek("dmm1.dcv", 100)).toMatchObject({ firstSeq: 4, readings: [4, 5, 6, 7, 8, 9].map(reading) });
    expect(again.ack("dmm1.dcv", 9)).toBe(6);
    expect(again.pendingStreams()).toEqual([]);
    expect(again.peek("dmm1.dcv", 100)).toBeNull();
    // Acking everything keeps the numbering: the next reading is seq 10, not 0.
    again.push("dmm1", "dmm1.dcv", "V", reading(10));
    again.commit();
    expect(again.peek("dmm1.dcv", 100)?.firstSeq).toBe(10);
    again.close();
  });

  it("refuses a second opener of the same file while the first holds it", () => {
    const first = open();
    first.push("dmm1", "dmm1.dcv", "V", reading(0));
    first.commit();
    expect(() => open()).toThrow(/outbox\.db: cannot read: database is locked/);
    first.close();
    const again = open();
    expect(again.size).toBe(1);
    again.close();
  });

  it("batches writes: readings wait for one transaction per interval or per commitBatch", async () => {
    let commits = 0;
    const outbox = open({ commitIntervalMs: 30, commitBatch: 50, onCommit: () => commits++ });
    for (let i = 0; i < 20; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    expect(outbox.queued).toBe(20);
    expect(outbox.size).toBe(0);
    // Not yet committed means not yet sendable.
    expect(outbox.peek("dmm1.dcv", 100)).toBeNull();
    await new Promise((r) => setTimeout(r, 80));
    expect({ queued: outbox.queued, size: outbox.size, commits }).toEqual({ queued: 0, size: 20, commits: 1 });
    for (let i = 20; i < 120; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    expect({ queued: outbox.queued, size: outbox.size, commits }).toEqual({ queued: 0, size: 120, commits: 3 });
    outbox.close();
  });

  it("when full keeps the oldest, writes a gap record for the newest and logs it", () => {
    const outbox = open({ capacity: 10 });
    for (let i = 0; i < 7; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    outbox.commit();
    expect(lines.filter((l) => l.msg.includes("80 %"))).toEqual([]);
    outbox.push("dmm1", "dmm1.dcv", "V", reading(7));
    outbox.commit();
    expect(lines.filter((l) => l.level === "warn" && l.msg.includes("80 % full"))).toHaveLength(1);

    for (let i = 8; i < 13; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    outbox.push("dmm2", "dmm2.dcv", "V", reading(0));
    outbox.commit();
    expect(outbox.size).toBe(10);
    expect(outbox.peek("dmm1.dcv", 100)?.readings).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(reading));
    expect(outbox.gaps()).toEqual([
      { id: 1, streamId: "dmm1.dcv", firstSeq: 10, count: 3, tFirst: reading(10).t, tLast: reading(12).t, reason: "outbox-full", reported: false },
      { id: 2, streamId: "dmm2.dcv", firstSeq: 0, count: 1, tFirst: reading(0).t, tLast: reading(0).t, reason: "outbox-full", reported: false },
    ]);
    expect(lines.filter((l) => l.level === "error" && l.msg.includes("gap record opened"))).toHaveLength(2);

    // Room again: the next reading takes the seq the gap stands before, and the gap is closed.
    outbox.ack("dmm1.dcv", 4);
    outbox.push("dmm1", "dmm1.dcv", "V", reading(13));
    outbox.commit();
    expect(outbox.peek("dmm1.dcv", 100)).toMatchObject({ firstSeq: 5, readings: [5, 6, 7, 8, 9, 13].map(reading) });
    expect(lines.find((l) => l.msg.includes("gap closed"))?.obj).toMatchObject({ streamId: "dmm1.dcv", firstSeq: 10, count: 3 });
    outbox.push("dmm1", "dmm1.dcv", "V", reading(14));
    outbox.commit();
    expect(outbox.gaps().map((g) => g.count)).toEqual([3, 1]);

    outbox.markGapsReported([1]);
    expect(outbox.gaps().map((g) => g.id)).toEqual([2]);
    expect(outbox.gaps({ all: true }).map((g) => [g.id, g.reported])).toEqual([
      [1, true],
      [2, false],
    ]);
    outbox.close();
    // Gap records are durable like the readings.
    const again = open({ capacity: 10 });
    expect(again.gaps({ all: true })).toHaveLength(2);
    again.close();
  });

  it("after a crash between write and ack, the readings are there to be sent again (at-least-once)", () => {
    const outboxModule = fileURLToPath(new URL("../../../agent/src/uplink/outbox.ts", import.meta.url));
    // A real process writes, "sends" (peeks), and is killed with SIGKILL before any ack.
    const script = `
      import { Outbox } from ${JSON.stringify(outboxModule)};
      const log = { debug() {}, info() {}, warn() {}, error() {}, child() { return log; } };
      const outbox = new Outbox({ file: ${JSON.stringify(file)}, log });
      for (let i = 0; i < 25; i++) outbox.push("dmm1", "dmm1.dcv", "V", { t: 1e12 + i, value: i, flags: 0 });
      outbox.commit();
      outbox.ack("dmm1.dcv", 9);
      const sent = outbox.peek("dmm1.dcv", 100);
      process.stdout.write(JSON.stringify({ firstSeq: sent.firstSeq, n: sent.readings.length }));
      process.kill(process.pid, "SIGKILL");
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(child.signal, `child stderr: ${child.stderr}`).toBe("SIGKILL");
    expect(JSON.parse(child.stdout)).toEqual({ firstSeq: 10, n: 15 });

    const again = open();
    const resent = again.peek("dmm1.dcv", 100);
    expect(resent?.firstSeq).toBe(10);
    expect(resent?.readings.map((r) => r.value)).toEqual(Array.from({ length: 15 }, (_, i) => 10 + i));
    expect(again.nextSeq("dmm1.dcv")).toBe(25);
    again.close();
  });

  it("numbers its readings on from the server's seq when the server is ahead of it (a new data dir)", () => {
    const outbox = open();
    for (let i = 0; i < 3; i++) outbox.push("dmm1", "dmm1.dcv", "V", reading(i));
    outbox.commit();
    // Behind the outbox: only an ack.
    outbox.resume("dmm1.dcv", 0);
    expect(outbox.peek("dmm1.dcv", 10)?.firstSeq).toBe(1);
    // Ahead of it: the server would drop 1..2 as duplicates, so they become 501..502.
    outbox.resume("dmm1.dcv", 500);
    expect(outbox.peek("dmm1.dcv", 10)).toMatchObject({ firstSeq: 501, readings: [reading(1), reading(2)] });
    expect(outbox.nextSeq("dmm1.dcv")).toBe(503);
    // A stream the server knows and this outbox has never seen starts after the server's seq.
    outbox.resume("dmm9.dcv", 41);
    outbox.push("dmm9", "dmm9.dcv", "V", reading(0));
    outbox.commit();
    expect(outbox.peek("dmm9.dcv", 10)).toMatchObject({ instrumentId: "dmm9", firstSeq: 42 });
    outbox.close();
  });

  it("keeps one unit per batch", () => {
    const outbox = open({ file: ":memory:" });
    outbox.push("dmm1", "dmm1.main", "V", reading(0));
    outbox.push("dmm1", "dmm1.main", "V", reading(1));
    outbox.push("dmm1", "dmm1.main", "A", reading(2));
    outbox.commit();
    expect(outbox.peek("dmm1.main", 10)).toMatchObject({ firstSeq: 0, unit: "V", readings: [reading(0), reading(1)] });
    outbox.ack("dmm1.main", 1);
    expect(outbox.peek("dmm1.main", 10)).toMatchObject({ firstSeq: 2, unit: "A", readings: [reading(2)] });
    outbox.close();
  });

  it("whatever the order of pushes, commits, acks and restarts, holds exactly the unacked readings at their seqs (property)", () => {
    const streams = ["a.v", "b.v"];
    const op = fc.oneof(
      fc.record({ kind: fc.constant("push" as const), stream: fc.constantFrom(...streams), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ kind: fc.constant("commit" as const) }),
      fc.record({ kind: fc.constant("ack" as const), stream: fc.constantFrom(...streams), back: fc.nat({ max: 10 }) }),
      fc.record({ kind: fc.constant("restart" as const) }),
    );
    let run = 0;
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const runFile = join(dir, `property-${run++}.db`);
        const reopen = () => new Outbox({ file: runFile, log: recordingLogger([]), commitIntervalMs: 60_000 });
        // The model: every reading produced per stream (index = seq), and the highest acked seq.
        const produced = new Map(streams.map((s) => [s, [] as number[]]));
        const acked = new Map(streams.map((s) => [s, -1]));
        const committed = new Map(streams.map((s) => [s, 0]));
        let value = 0;
        let outbox = reopen();
        try {
          for (const o of ops) {
            if (o.kind === "push") {
              for (let i = 0; i < o.n; i++) {
                produced.get(o.stream)!.push(++value);
                outbox.push(o.stream.slice(0, 1), o.stream, "V", { t: 1e12 + value, value, flags: 0 });
              }
            } else if (o.kind === "commit" || o.kind === "restart") {
              if (o.kind === "commit") outbox.commit();
              else {
                outbox.close();
                outbox = reopen();
              }
              for (const s of streams) committed.set(s, produced.get(s)!.length);
            } else {
              // The server acks some seq it can hold: at most the last one committed.
              const seq = committed.get(o.stream)! - 1 - o.back;
              outbox.ack(o.stream, seq);
              acked.set(o.stream, Math.max(acked.get(o.stream)!, seq));
            }
          }
          outbox.commit();
          for (const s of streams) {
            const all = produced.get(s)!;
            const from = acked.get(s)! + 1;
            const batch = outbox.peek(s, 1000);
            expect(outbox.nextSeq(s)).toBe(all.length);
            if (from >= all.length) expect(batch).toBeNull();
            else {
              expect(batch?.firstSeq).toBe(from);
              expect(batch?.readings.map((r) => r.value)).toEqual(all.slice(from));
            }
          }
        } finally {
          outbox.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
