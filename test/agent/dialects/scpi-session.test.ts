import { isTelecalError } from "@telecal/protocols";
import { describe, expect, it, vi } from "vitest";
import { parseScpiError, parseScpiNumber, ScpiSession } from "@telecal/agent/dialects/scpi";
import { silentLogger } from "@telecal/agent/log";
import { FakeTransport } from "../../fakes/fake-transport";

function session(timeoutMs = 1000) {
  const transport = new FakeTransport();
  const scpi = new ScpiSession(transport, { name: "dmm1", terminator: "\n", timeoutMs }, silentLogger);
  return { transport, scpi };
}

describe("SCPI session", () => {
  it("sends one command at a time and pairs each reply with its query", async () => {
    const { transport, scpi } = session();
    const a = scpi.query("*IDN?");
    const b = scpi.query("READ?");
    await Promise.resolve();
    expect(transport.written).toEqual(["*IDN?\n"]);
    transport.arrive("ACME,1,2,3\r\n");
    expect(await a).toBe("ACME,1,2,3");
    await Promise.resolve();
    expect(transport.written).toEqual(["*IDN?\n", "READ?\n"]);
    transport.arrive("+1.0");
    transport.arrive("E+00\n");
    expect(await b).toBe("+1.0E+00");
  });

  it("times out naming the command and the instrument, and drops the late reply", async () => {
    vi.useFakeTimers();
    try {
      const { transport, scpi } = session(500);
      const late = scpi.query("MEAS:VOLT:DC?");
      const caught = late.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(600);
      const err = await caught;
      expect(isTelecalError(err, "TC_ERR_INSTRUMENT_TIMEOUT")).toBe(true);
      expect((err as Error).message).toBe("dmm1: no reply to MEAS:VOLT:DC? within 500 ms");
      const next = scpi.query("*IDN?");
      await vi.advanceTimersByTimeAsync(0);
      // The late reply comes during the grace period after the timeout and is dropped.
      transport.arrive("+1.00000000E+01\n");
      await vi.advanceTimersByTimeAsync(600);
      expect(transport.written.at(-1)).toBe("*IDN?\n");
      transport.arrive("ACME,1,2,3\n");
      expect(await next).toBe("ACME,1,2,3");
    } finally {
      vi.useRealTimers();
    }
  });

  it("reads the error queue after a setting and fails with the instrument's own code", async () => {
    const { transport, scpi } = session();
    const set = scpi.set("CONF:VOLT:DC 5000").catch((e: unknown) => e);
    const replies = ['-222,"Data out of range"', '+0,"No error"'];
    for (const r of replies) {
      await vi.waitFor(() => expect(transport.written.at(-1)).toBe("SYST:ERR?\n"));
      const count = transport.written.length;
      transport.arrive(`${r}\n`);
      if (r.startsWith("+0")) break;
      await vi.waitFor(() => expect(transport.written.length).toBeGreaterThan(count));
    }
    const err = await set;
    expect(isTelecalError(err, "TC_ERR_INSTRUMENT_ERROR")).toBe(true);
    expect((err as Error).message).toContain("instrument error -222");
    expect(transport.written[0]).toBe("CONF:VOLT:DC 5000\n");
  });

  it("fails a pending query at once when the link goes down", async () => {
    const { transport, scpi } = session();
    const q = scpi.query("READ?").catch((e: unknown) => e);
    await Promise.resolve();
    transport.drop("cable pulled");
    expect(isTelecalError(await q, "TC_ERR_TRANSPORT_CLOSED")).toBe(true);
  });

  it("parses numbers and error entries, and rejects what is not one", () => {
    expect(parseScpiNumber("+1.00000120E+01")).toBe(10.0000120);
    expect(parseScpiNumber("9.9E37")).toBe(9.9e37);
    expect(parseScpiNumber("1,2")).toBeNull();
    expect(parseScpiNumber("")).toBeNull();
    expect(parseScpiError('-113,"Undefined header"')).toEqual({ code: -113, text: "Undefined header" });
    expect(parseScpiError("garbage")).toBeNull();
  });
});

describe("regression: a query that is never answered does not shift later replies", () => {
  it("resynchronises after the grace period", async () => {
    vi.useFakeTimers();
    try {
      const { transport, scpi } = session(500);
      const lost = scpi.query("MEAS?").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(600);
      expect(isTelecalError(await lost, "TC_ERR_INSTRUMENT_TIMEOUT")).toBe(true);
      for (const [i, answer] of ["A", "B", "C"].entries()) {
        const q = scpi.query("*IDN?");
        // Only the first query after the timeout waits out the grace period.
        await vi.advanceTimersByTimeAsync(i === 0 ? 600 : 10);
        transport.arrive(`${answer}\n`);
        expect(await q).toBe(answer);
      }
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("*OPC?", () => {
  it("resolves on 1 and refuses anything else", async () => {
    const { transport, scpi } = session();
    const done = scpi.opc();
    await vi.waitFor(() => expect(transport.written).toEqual(["*OPC?\n"]));
    transport.arrive("1\n");
    await done;
    const odd = scpi.opc().catch((e: unknown) => e);
    await vi.waitFor(() => expect(transport.written).toHaveLength(2));
    transport.arrive("0\n");
    expect(isTelecalError(await odd, "TC_ERR_INSTRUMENT_REPLY")).toBe(true);
  });
});
