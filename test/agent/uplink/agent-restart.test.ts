import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Outbox, type OutboxBatch, saveCredential, saveDeviceKey, silentLogger } from "@telecal/agent";
import type { HistoryPoint } from "@telecal/protocols";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Running, runTelecal } from "../../fakes/cli";
import { duplicateTimes, type LinkRig, sleep, startLinkRig, until } from "../../fakes/uplink-rig";

const READY = /telecal agent lab-faults: 8 instrument\(s\)/;

/** What the killed agent's outbox holds, read through the Outbox itself. */
function outboxContents(file: string, streams: string[]): Map<string, OutboxBatch> {
  const outbox = new Outbox({ file, log: silentLogger });
  try {
    const held = new Map<string, OutboxBatch>();
    for (const s of streams) {
      const batch = outbox.peek(s, 100_000);
      if (batch) held.set(s, batch);
    }
    return held;
  } finally {
    outbox.close();
  }
}

describe("agent killed with SIGKILL and restarted (8 channels at 10 Hz, agent as a child process)", () => {
  let dir: string;
  let rig: LinkRig;
  let agent: Running | null = null;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-agent-restart-"));
    rig = await startLinkRig();
  });
  afterEach(async () => {
    await agent?.stop();
    await rig.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("delivers after the restart what its outbox held, seqs contiguous, nothing twice", async () => {
    const configFile = join(dir, "agent.yaml");
    // JSON is YAML; dataDir is relative to the config file.
    writeFileSync(configFile, JSON.stringify(rig.agentConfig({ dataDir: "./state" }), null, 2));
    saveCredential(join(dir, "state"), rig.credential);
    saveDeviceKey(join(dir, "state"), rig.deviceKey.export({ type: "pkcs8", format: "pem" }).toString());
    const outboxFile = join(dir, "state", "outbox.db");
    const counts = () => Object.fromEntries(rig.streams.map((s) => [s, rig.stored(s).length]));

    agent = await runTelecal(["agent", "--config", configFile], READY);
    await until("5 readings of every stream on the server", () => rig.streams.every((s) => rig.stored(s).length >= 5), 15_000, counts);

    // Nothing gets through for a while, so that the outbox fills with unacknowledged readings.
    rig.proxy.blackhole(true);
    await sleep(2000);
    const killed = agent.child;
    const exited = once(killed, "exit");
    killed.kill("SIGKILL");
    const [, signal] = await exited;
    expect(signal).toBe("SIGKILL");
    agent = null;
    rig.proxy.resetAll();
    rig.proxy.blackhole(false);

    const storedAtKill = new Map(rig.streams.map((s) => [s, rig.stored(s).length]));
    const held = outboxContents(outboxFile, rig.streams);
    for (const s of rig.streams) {
      const batch = held.get(s);
      expect(batch, `outbox readings of ${s} at the kill`).toBeDefined();
      // About 20 readings per stream piled up in the 2 s blackhole.
      expect(batch!.readings.length).toBeGreaterThanOrEqual(10);
      // No hole between what the server has and what the outbox holds.
      expect(batch!.firstSeq).toBeLessThanOrEqual(storedAtKill.get(s)!);
    }

    agent = await runTelecal(["agent", "--config", configFile], READY);
    const target = (s: string) => held.get(s)!.firstSeq + held.get(s)!.readings.length;
    // A few readings beyond the outbox: the restarted agent numbers on where the dead one stopped.
    await until(
      "every reading of the killed agent's outbox, and 5 new ones, on the server",
      () => rig.streams.every((s) => rig.stored(s).length >= target(s) + 5),
      15_000,
      counts,
    );

    for (const s of rig.streams) {
      const stored = rig.stored(s);
      const batch = held.get(s)!;
      expect(duplicateTimes(stored), `duplicates on ${s}`).toEqual([]);
      const times = stored.map(([t]) => t);
      expect(times, `times of ${s} in seq order`).toEqual([...times].sort((a, b) => a - b));
      // Index i of the stored history is seq i: the outbox's readings sit exactly at their seqs.
      const expected: HistoryPoint[] = batch.readings.map((r) => [r.t, r.value, r.flags]);
      expect(stored.slice(batch.firstSeq, batch.firstSeq + batch.readings.length), `outbox readings of ${s}`).toEqual(
        expected,
      );
    }
  });
});
