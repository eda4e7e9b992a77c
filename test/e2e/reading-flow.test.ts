import type { LiveValue, Reply, UiSnapshot } from "@telecal/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack, uiClient } from "../fakes/stack";
import { emitAck } from "../fakes/acks";

describe("a reading travels from a simulated DMM to a /ui viewer", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the viewer sees the agent, the instrument's identity and live DC voltage readings", async () => {
    const ui = uiClient(stack.server.url, stack.token);
    try {
      const live: LiveValue[] = [];
      let snapshot: UiSnapshot | null = null;
      ui.on("snapshot", (s) => {
        snapshot = s;
      });
      await new Promise<void>((resolve) => {
        ui.on("live", (values) => {
          live.push(...values);
          if (new Set(live.map((v) => v.value)).size >= 3) resolve();
        });
      });
      const values = live.filter((v) => v.streamId === "dmm1.dcv");
      expect(values.length).toBeGreaterThanOrEqual(3);
      for (const v of values) {
        expect(v).toMatchObject({ agentId: "lab-test", instrumentId: "dmm1", unit: "V", flags: 0 });
        // The simulated 34465A sits at 10.000012 V with µV noise.
        expect(v.value).toBeGreaterThan(9.9999);
        expect(v.value).toBeLessThan(10.0001);
        expect(Math.abs(v.t - Date.now())).toBeLessThan(10_000);
      }
      const times = values.map((v) => v.t);
      expect([...times].sort((a, b) => a - b)).toEqual(times);

      // History holds stored batches, which trail the live values by the outbox's commit and flush.
      let fresh = await emitAck<Reply<{ snapshot: UiSnapshot }>>(ui, 5000, "snapshot");
      const started = Date.now();
      while (fresh.ok && (fresh.snapshot.history["lab-test:dmm1.dcv"]?.length ?? 0) < 3 && Date.now() - started < 10_000) {
        await new Promise((r) => setTimeout(r, 100));
        fresh = await emitAck<Reply<{ snapshot: UiSnapshot }>>(ui, 5000, "snapshot");
      }
      expect(fresh.ok).toBe(true);
      if (!fresh.ok) return;
      const agent = fresh.snapshot.agents.find((a) => a.agentId === "lab-test");
      expect(agent?.online).toBe(true);
      expect(agent?.instruments[0]).toMatchObject({ id: "dmm1", model: "34465A", serial: "MY59001234" });
      expect(fresh.snapshot.history["lab-test:dmm1.dcv"]?.length).toBeGreaterThanOrEqual(3);
      expect(snapshot).not.toBeNull();
    } finally {
      ui.close();
    }
  });
});
