import { clockSample } from "@telecal/protocols";
import { describe, expect, it } from "vitest";
import { silentLogger } from "@telecal/agent/log";
import { agentNow, ClockSync } from "@telecal/agent/uplink/clock-sync";

/** A server whose clock runs `offset` ms ahead, reached over a path with the given one-way delays. */
function fakeServer(offset: number, delays: Array<[number, number]>) {
  let i = 0;
  return async (t0: number) => {
    const [up, down] = delays[i++ % delays.length]!;
    await new Promise((r) => setTimeout(r, up));
    const t1 = agentNow() + offset;
    const t2 = t1 + 0.05;
    await new Promise((r) => setTimeout(r, down));
    return { t0, t1, t2 };
  };
}

describe("NTP-style clock offset", () => {
  it("computes offset and delay from the four time stamps", () => {
    // Server 100 ms ahead, 10 ms each way, 1 ms processing.
    expect(clockSample(1000, 1110, 1111, 1021)).toEqual({ offsetMs: 100, delayMs: 20 });
  });

  it("keeps the lowest-delay exchange, and its uncertainty covers the true offset", async () => {
    const sync = new ClockSync({
      exchange: fakeServer(1234.5, [[40, 5], [2, 2], [5, 60], [30, 30]]),
      log: silentLogger,
      samples: 4,
      intervalMs: 60_000,
    });
    const stamp = await sync.measure();
    expect(stamp).not.toBeNull();
    expect(Math.abs(stamp!.offsetMs - 1234.5)).toBeLessThanOrEqual(stamp!.uncertaintyMs);
    // The 2 ms + 2 ms exchange wins: half its round trip plus 100 ppm of a minute (6 ms).
    expect(stamp!.uncertaintyMs).toBeLessThan(15);
    expect(Math.abs(sync.now() - (agentNow() + 1234.5))).toBeLessThan(15);
  });

  it("reports a step in the offset as a step, not as drift", async () => {
    let offset = 0;
    const steps: Array<[number, number]> = [];
    const sync = new ClockSync({
      exchange: async (t0) => {
        const t1 = agentNow() + offset;
        return { t0, t1, t2: t1 };
      },
      log: silentLogger,
      samples: 2,
      intervalMs: 1000,
      onStep: (from, to) => steps.push([from.offsetMs, to.offsetMs]),
    });
    await sync.measure();
    await sync.measure();
    expect(steps).toEqual([]);
    offset = 500;
    await sync.measure();
    expect(steps).toHaveLength(1);
    expect(steps[0]![1]).toBeCloseTo(500, 0);
  });

  it("keeps the last stamp when no exchange succeeds", async () => {
    let fail = false;
    const sync = new ClockSync({
      exchange: async (t0) => {
        if (fail) throw new Error("link down");
        return { t0, t1: agentNow(), t2: agentNow() };
      },
      log: silentLogger,
      samples: 2,
    });
    const first = await sync.measure();
    fail = true;
    expect(await sync.measure()).toBeNull();
    expect(sync.stamp).toEqual(first);
  });
});
