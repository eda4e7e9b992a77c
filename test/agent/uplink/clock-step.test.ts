import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLOCK_STREAM_ID, NAMESPACE, readingsRecordStream, ReadingFlag } from "@telecal/protocols";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type LinkRig, RIG_AGENT_ID, type RecordedAgent, startLinkRig, startRecordedAgent, until } from "../../fakes/uplink-rig";

/** How far the server's clock jumps in the test, as after an NTP correction on the server. */
const STEP_MS = 500;

describe("a step in the agent's clock offset", () => {
  let dir: string;
  let rig: LinkRig;
  let recorded: RecordedAgent | null = null;
  let shiftMs = 0;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-clock-step-"));
    rig = await startLinkRig({ channels: 1 });
    shiftMs = 0;
    // The server's answers to clock pings, shifted by `shiftMs`: its clock appears to jump.
    rig.server.io.of(NAMESPACE.agent).on("connection", (socket) => {
      socket.use((packet, next) => {
        const ack = packet[packet.length - 1];
        if (packet[0] === "clock" && typeof ack === "function") {
          packet[packet.length - 1] = (reply: { ok: boolean; t1?: number; t2?: number }) =>
            (ack as (r: unknown) => void)(reply.ok ? { ...reply, t1: reply.t1! + shiftMs, t2: reply.t2! + shiftMs } : reply);
        }
        next();
      });
    });
  });
  afterEach(async () => {
    await recorded?.agent.stop();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is stored as a signed reading of the clock stream, flagged clockStep, and as a record in the log", async () => {
    const r = startRecordedAgent(rig, dir, { clockIntervalMs: 300 });
    recorded = r;
    const clock = () => rig.stored(CLOCK_STREAM_ID);
    await until("three clock measurements stored", () => clock().length >= 3, 10_000, () => clock());
    expect(clock().every(([, , flags]) => flags === 0)).toBe(true);
    // In one process both clocks are the same: every measured offset is near 0.
    for (const [, offset] of clock()) expect(Math.abs(offset!)).toBeLessThan(50);

    shiftMs = STEP_MS;
    await until("a stored clock step", () => clock().some(([, , flags]) => (flags & ReadingFlag.clockStep) !== 0), 10_000, () => clock());
    const steps = clock().filter(([, , flags]) => (flags & ReadingFlag.clockStep) !== 0);
    expect(steps).toHaveLength(1);
    expect(steps[0]![1]).toBeGreaterThan(STEP_MS - 50);
    expect(steps[0]![1]).toBeLessThan(STEP_MS + 50);

    // The readings after the step carry the new offset in their clock stamp.
    await until("readings of the DMM stamped with the new offset", () => r.agent.uplink.clockStamp.offsetMs > STEP_MS - 50, 5000);

    // The step reached the record log in a signed reading batch of the clock stream.
    const records = await rig.server.store.records.page(0, 10_000);
    const clockBatches = records
      .filter((rec) => rec.kind === "reading-batch" && rec.stream === readingsRecordStream(RIG_AGENT_ID, CLOCK_STREAM_ID))
      .map((rec) => JSON.parse(rec.payload) as { flags: number[]; values: number[]; signature?: string });
    const stepped = clockBatches.filter((b) => b.flags.some((f) => (f & ReadingFlag.clockStep) !== 0));
    expect(stepped).toHaveLength(1);
    expect(typeof stepped[0]!.signature).toBe("string");
  });
});
