import { CLOCK_STREAM_ID } from "@telecal/protocols";
import { databaseUrlFor, Store } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Stack, startStack } from "../fakes/stack";

/** Polls until `check` gives a value, or fails naming what it waited for. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a server restarted on the same data dir remembers what it acked", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ intervalMs: 50 });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("gives the agent its acked seqs back in the next hello, and the stream goes on without gap or duplicate", async () => {
    const acked = async (store: Store) => (await store.streams.ackedSeqs("lab-test"))["dmm1.dcv"];
    await waitFor("10 readings stored", async () => {
      const seq = await acked(stack.server.store);
      return seq !== undefined && seq >= 10 ? seq : undefined;
    });

    let ackedAtClose = -1;
    const server = await stack.restartServer(async () => {
      const store = await Store.open(databaseUrlFor({ dataDir: stack.dataDir }));
      ackedAtClose = (await acked(store)) ?? -1;
      await store.close();
    });
    const hello = vi.spyOn(server.hub, "agentConnected");
    expect(ackedAtClose).toBeGreaterThanOrEqual(10);

    await waitFor("the agent's hello to the restarted server", () => (hello.mock.calls.length > 0 ? true : undefined));
    const answered = await hello.mock.results[0]!.value;
    // Besides the DMM, the agent's clock stream (one reading per clock measurement).
    // The store held all the agent saw acknowledged: no regression.
    expect(answered).toEqual({ acked: { "dmm1.dcv": ackedAtClose, [CLOCK_STREAM_ID]: expect.any(Number) }, regressions: [] });

    const after = await waitFor("readings past the restart", async () => {
      const seq = await acked(server.store);
      return seq !== undefined && seq >= ackedAtClose + 5 ? seq : undefined;
    });
    const stored = await server.store.readings.readings("lab-test", "dmm1.dcv", -1, 100_000);
    const seqs = stored.map((r) => r.seq);
    const first = seqs[0]!;
    expect(seqs.slice(0, after - first + 1)).toEqual(Array.from({ length: after - first + 1 }, (_, i) => first + i));
    for (const r of stored) {
      expect(r.value).toBeGreaterThan(9.9999);
      expect(r.value).toBeLessThan(10.0001);
    }
  });
});
