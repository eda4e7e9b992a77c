import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../fakes/bench";
import { type Stack, startStack } from "../fakes/stack";

describe("readings carry UTC time with the agent's measured clock offset and its uncertainty", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ intervalMs: 50 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the agent measures its offset over the socket and the server stores it with every reading", async () => {
    const stamp = await waitFor("a clock measurement", () => stack.agent.uplink.clock.stamp ?? undefined);
    // Agent and server share this machine's clock: the offset is within its own uncertainty of 0.
    expect(Math.abs(stamp.offsetMs)).toBeLessThanOrEqual(stamp.uncertaintyMs);
    expect(stamp.uncertaintyMs).toBeLessThan(50);
    const started = Date.now();
    for (;;) {
      const rows = await stack.server.store.readings.readings("lab-test", "dmm1.dcv");
      const synced = rows.filter((r) => r.clockUncertaintyMs < 1000);
      if (synced.length >= 5) {
        for (const r of synced) {
          expect(r.clockUncertaintyMs).toBeLessThan(50);
          expect(Math.abs(r.clockOffsetMs)).toBeLessThanOrEqual(r.clockUncertaintyMs);
          expect(Math.abs(r.t - r.receivedAt)).toBeLessThan(5000);
        }
        // Readings taken before the first measurement say so: offset 0, known to a second.
        for (const r of rows.filter((r) => r.clockUncertaintyMs >= 1000)) expect(r.clockOffsetMs).toBe(0);
        break;
      }
      if (Date.now() - started > 10_000) throw new Error("timed out waiting for stored readings taken after the clock measurement");
      await new Promise((r) => setTimeout(r, 50));
    }
  });
});
