import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  duplicateTimes,
  type LinkRig,
  progress,
  type RecordedAgent,
  sleep,
  startLinkRig,
  startRecordedAgent,
  until,
} from "../../fakes/uplink-rig";

/** The ten-minute outage, shortened; the agent's ack timeout (1 s here) must notice it. */
const BLACKHOLE_MS = 5000;

describe("uplink through a blackholed link (8 channels at 10 Hz)", () => {
  let dir: string;
  let rig: LinkRig;
  let recorded: RecordedAgent | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-blackhole-"));
    rig = await startLinkRig();
  });
  afterEach(async () => {
    await recorded?.agent.stop();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("after the link heals, every seq is on the server exactly once and in order", async () => {
    const r = startRecordedAgent(rig, dir);
    recorded = r;
    const state = () => progress(rig, r);
    await until("5 readings of every stream on the server", () => rig.streams.every((s) => rig.stored(s).length >= 5), 10_000, state);

    rig.proxy.blackhole(true);
    const storedBefore = Object.fromEntries(rig.streams.map((s) => [s, rig.stored(s).length]));
    await until("the agent to notice the dead link", () => !r.agent.uplink.connected, 4000);
    await sleep(BLACKHOLE_MS);
    // Nothing passed: the server has at most what was already on its way when the hole opened.
    for (const s of rig.streams) expect(rig.stored(s).length).toBeLessThanOrEqual(storedBefore[s]! + 2);
    expect(r.agent.uplink.pendingCount()).toBeGreaterThan(8 * 30);

    expect(rig.historicalBatches()).toBe(0);
    rig.proxy.blackhole(false);
    await until("the agent to reconnect after the heal", () => r.agent.uplink.connected, 5000);
    // The backlog is replayed as history, so that viewers are not shown it as live.
    await until("the backlog to arrive marked historical", () => rig.historicalBatches() >= 8, 5000);
    await sleep(500);
    await r.stopSampling();
    await until(
      "every produced reading on the server",
      () => rig.streams.every((s) => rig.stored(s).length >= r.produced.get(s)!.length),
      10_000,
      state,
    );
    await until("the outbox to be empty", () => r.agent.uplink.pendingCount() === 0, 5000);

    for (const s of rig.streams) {
      const stored = rig.stored(s);
      const produced = r.produced.get(s)!;
      expect(duplicateTimes(stored), `duplicates on ${s}`).toEqual([]);
      // Index i of both is seq i: the server holds each seq once, in order, with its own value.
      expect(stored, `stored readings of ${s}`).toEqual(produced);
      expect(produced.length).toBeGreaterThan((BLACKHOLE_MS / 100) * 0.8);
    }
  });
});
