import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamRegressionPayload } from "@telecal/protocols";
import { startServer, type TelecalServer, verifyLog } from "@telecal/server";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { describeReport } from "../../cli/commands/verify";
import { enrolAgent } from "../fakes/auth";
import { waitFor } from "../fakes/bench";
import { TestAgent, value } from "./issue-22-data-loss-suite";

// WAL file format (sqlite.org/fileformat.html#the_write_ahead_log): a 32-byte header, then frames of
// a 24-byte header and one page. Recovery stops at the first frame whose running checksum fails.
const WAL_HEADER = 32;
const FRAME_HEADER = 24;
interface WalShape {
  pageSize: number;
  frames: number;
  /** Checkpoint sequence and salts: they change whenever the WAL restarts after a checkpoint. */
  generation: string;
}
function walShape(file: string): WalShape {
  const bytes = readFileSync(file);
  if (bytes.length < WAL_HEADER) return { pageSize: 0, frames: 0, generation: "empty" };
  const pageSize = bytes.readUInt32BE(8);
  return { pageSize, frames: Math.floor((bytes.length - WAL_HEADER) / (FRAME_HEADER + pageSize)), generation: bytes.subarray(12, 24).toString("hex") };
}
const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** What a power cut leaves on the disk: the files as they are, but the shared-memory index SQLite rebuilds. */
function copyDataDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) if (!name.endsWith("-shm") && statSync(join(from, name)).isFile()) copyFileSync(join(from, name), join(to, name));
}

/** What SQLite finds in a data dir, opened on a copy of it: opening recovers the WAL and then checkpoints it. */
function probeIn(dir: string) {
  return (dataDir: string, name: string) => {
    const to = join(dir, name);
    copyDataDir(dataDir, to);
    const db = new Database(join(to, "telecal.db"));
    try {
      const held = db.prepare("select count(*) as n, max(seq) as top from readings where agent_id = ? and stream_id = ?").get("lab-wal", "dmm1.dcv") as { n: number; top: number };
      return { integrity: db.pragma("integrity_check", { simple: true }), ...held };
    } finally {
      db.close();
    }
  };
}

/**
 * Issue 22, finding 3, as the security probe met it: the server's SQLite lost acknowledged readings because
 * the WAL frames of its last commits were corrupted, and SQLite opened the file without a word. The
 * stream used to be refused (TC_ERR_SEQ_GAP) on every batch; now it resumes from the agent's retention.
 * The data-loss suite simulates the loss by deleting rows; here the WAL itself is broken.
 */
describe("issue 22 finding 3, a corrupted WAL tail on SQLite", () => {
  const dir = mkdtempSync(join(tmpdir(), "telecal-corrupted-wal-"));
  const live = join(dir, "live");
  const copy = join(dir, "copy");
  let server: TelecalServer | undefined;
  let agent: TestAgent | undefined;
  const probe = probeIn(dir);
  afterAll(async () => {
    await agent?.disconnect();
    agent?.outbox.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the server starts on the copy SQLite opened without error, and the stream resumes: every seq stored once, the regression named by verify", async () => {
    const options = { host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir: live } as const;
    server = await startServer(options);
    const lab = await enrolAgent(server, "lab-wal");
    agent = new TestAgent("lab-wal", join(dir, "agent.db"), 7 * 24 * 3_600_000, lab.auth, lab.deviceKey);
    const a = agent;
    const acked = async () => (await server!.store.streams.ackedSeqs("lab-wal"))["dmm1.dcv"];
    const untilAcked = (seq: number) => waitFor(`acked to ${seq}`, async () => ((await acked()) === seq && a.outbox.size === 0 ? true : undefined), 30_000);
    const db = join(live, "telecal.db");
    const wal = `${db}-wal`;

    a.connect(server);
    await waitFor("the agent's hello stored", async () => ((await server!.store.streams.streams()).some((s) => s.agentId === "lab-wal") ? true : undefined));
    // Move the migrations and the enrolment into the main file, so that the WAL restarts small: what follows lives only in it.
    const side = new Database(db);
    try {
      expect(side.pragma("wal_checkpoint(TRUNCATE)")).toMatchObject([{ busy: 0 }]);
    } finally {
      side.close();
    }
    expect(statSync(wal).size).toBe(0);
    a.push(0, 20);
    await untilAcked(19);
    const kept = walShape(wal);
    const mainFile = sha256(db);
    expect(kept.frames).toBeGreaterThan(0);

    a.push(20, 40);
    await untilAcked(39);
    // The checkpoint beside the key then covers readings 20-39: the next start sees what was lost.
    await server.checkpoints.checkpoint();
    const lastId = (await server.store.records.page(0, 100_000)).at(-1)!.id;
    await waitFor("records-checkpoint.json covers the last record", () => {
      const file = JSON.parse(readFileSync(join(live, "records-checkpoint.json"), "utf8")) as { checkpoint: { treeSize: number } };
      return file.checkpoint.treeSize >= lastId ? true : undefined;
    });
    // Everything after readings 0-19 is in WAL frames only: no checkpoint into the main file, no WAL restart.
    const full = walShape(wal);
    expect(sha256(db)).toBe(mainFile);
    expect(full.generation).toBe(kept.generation);
    expect(full.frames).toBeGreaterThan(kept.frames);
    copyDataDir(live, copy);
    expect(probe(copy, "probe-intact")).toEqual({ integrity: "ok", n: 40, top: 39 });
    await a.disconnect();
    await server.close();
    server = undefined;

    // A bit flipped in the page of the first frame after readings 0-19: its checksum and every one after fail.
    const copyWal = join(copy, "telecal.db-wal");
    const bytes = readFileSync(copyWal);
    const at = WAL_HEADER + kept.frames * (FRAME_HEADER + full.pageSize) + FRAME_HEADER + 100;
    bytes[at] = bytes[at]! ^ 0xff;
    writeFileSync(copyWal, bytes);

    // SQLite opens it without error and finds it sound, but holds only readings 0-19.
    expect(probe(copy, "probe-corrupted")).toEqual({ integrity: "ok", n: 20, top: 19 });

    // The kept checkpoint covers records that did not survive: the server says so and does not start.
    const restored = { ...options, dataDir: copy };
    await expect(startServer(restored)).rejects.toMatchObject({ code: "TC_ERR_LOG_REGRESSED" });
    // The admin reads the message and accepts the loss.
    server = await startServer({ ...restored, records: { acceptRestoredLog: true } });
    expect(await acked()).toBe(19);
    a.connect(server);
    // Before the fix: TC_ERR_SEQ_GAP "batch starts at seq 40, expected at most 20" on every batch.
    await untilAcked(39);
    a.push(40, 45);
    await untilAcked(44);

    const readings = (await server.store.readings.readings("lab-wal", "dmm1.dcv", -1, 1000)).map((r) => [r.seq, r.value]);
    expect(readings).toEqual(Array.from({ length: 45 }, (_, k) => [k, value(k)]));
    expect(await server.store.gaps.list("lab-wal", "dmm1.dcv")).toEqual([]);
    const alarms = (await server.store.records.page(0, 100_000))
      .filter((r) => r.kind === "stream-regression" && r.stream === "lab-wal/dmm1.dcv")
      .map((r) => StreamRegressionPayload.parse(JSON.parse(r.payload)));
    expect(alarms).toMatchObject([{ agentId: "lab-wal", streamId: "dmm1.dcv", expectedSeq: 20, agentAckedSeq: 39 }]);

    const report = await verifyLog(server.store.db);
    expect(report).toMatchObject({ ok: true, firstBadRecord: null, firstBadCheckpoint: null });
    expect(report.restores).toHaveLength(1);
    expect(report.regressions.filter((x) => x.stream === "lab-wal/dmm1.dcv")).toHaveLength(1);
    expect(describeReport(report, "test")).toContain("regression: stream lab-wal/dmm1.dcv: the store held seqs only up to 19, the agent had seen 39 acknowledged");
  }, 120_000);
});
