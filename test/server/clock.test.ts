import { describe, expect, it } from "vitest";
import { answerClock } from "@telecal/server/realtime/clock";

describe("the server's side of the clock exchange", () => {
  it("answers t0 with its receive and send times, in order", () => {
    const reply = answerClock({ t0: 123.5 });
    expect(reply.ok).toBe(true);
    if (!reply.ok) return;
    expect(reply.t0).toBe(123.5);
    expect(reply.t2).toBeGreaterThanOrEqual(reply.t1);
    expect(Math.abs(reply.t1 - Date.now())).toBeLessThan(1000);
  });

  it("refuses a malformed ping with a registry code", () => {
    for (const bad of [{}, { t0: "x" }, { t0: 1, extra: true }, null]) {
      const reply = answerClock(bad);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe("TC_ERR_VALIDATION");
    }
  });
});
