import { once } from "node:events";
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

/** Resolves on the proxy's next cut, or fails naming it. */
function nextCut(rig: LinkRig, timeoutMs: number): Promise<unknown> {
  return Promise.race([
    once(rig.proxy, "cut"),
    sleep(timeoutMs).then(() => {
      throw new Error(`timed out after ${timeoutMs} ms waiting for the proxy to cut a connection`);
    }),
  ]);
}

describe("uplink through resets and cut connections (8 channels at 10 Hz)", () => {
  let dir: string;
  let rig: LinkRig;
  let recorded: RecordedAgent | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-reset-"));
    rig = await startLinkRig();
  });
  afterEach(async () => {
    await recorded?.agent.stop();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("loses nothing and stores nothing twice when connections are reset or cut mid-stream", async () => {
    const r = startRecordedAgent(rig, dir);
    recorded = r;
    const state = () => ({ stored: progress(rig, r), accepted: rig.proxy.accepted });
    // A new connection through the proxy, and the agent's hello answered on it.
    const reconnected = async (what: string, acceptedBefore: number) => {
      await until(
        `the agent to reconnect (${what})`,
        () => rig.proxy.accepted > acceptedBefore && r.agent.uplink.connected,
        5000,
        state,
      );
    };
    await until("5 readings of every stream on the server", () => rig.streams.every((s) => rig.stored(s).length >= 5), 10_000, state);

    // Latency keeps batches in flight, so that a fault lands between a batch and its ack.
    rig.proxy.latency(40);
    await sleep(500);
    const beforeReset = rig.proxy.accepted;
    rig.proxy.resetAll();
    await reconnected("reset", beforeReset);
    await sleep(700);

    // Cut in the middle of a frame: a few KB is a handful of batches into the connection.
    for (const bytes of [3000, 7001, 12_345]) {
      const cut = nextCut(rig, 5000);
      const beforeCut = rig.proxy.accepted;
      rig.proxy.cutAfter(bytes);
      await cut;
      await reconnected(`cut after ${bytes} bytes`, beforeCut);
      await sleep(300);
    }

    // Several faults in a row while a backlog drains: each connection dies after 20 kB.
    rig.proxy.latency(0);
    rig.proxy.blackhole(true);
    await sleep(1500);
    let cuts = 0;
    rig.proxy.on("cut", () => cuts++);
    rig.proxy.resetAll();
    rig.proxy.cutAfter(20_000, { once: false });
    rig.proxy.blackhole(false);
    await until("three connections cut after 20 kB each", () => cuts >= 3, 10_000, state);
    rig.proxy.cutAfter(null);

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
      expect(duplicateTimes(stored), `duplicates on ${s}`).toEqual([]);
      expect(stored, `stored readings of ${s}`).toEqual(r.produced.get(s));
    }
  });
});
