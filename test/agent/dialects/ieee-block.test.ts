import { isTelecalError, TelecalError } from "@telecal/protocols";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { encodeBlock, parseBlock } from "@telecal/agent/dialects/ieee-block";
import { ReplyFramer } from "@telecal/agent/dialects/reply-framer";
import { ScpiSession } from "@telecal/agent/dialects/scpi";
import { silentLogger } from "@telecal/agent/log";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { FakeTransport } from "../../fakes/fake-transport";

const CONTEXT = { instrument: "dmm1", command: "R? 2", terminator: "\n" };
const bytes = (text: string) => Buffer.from(text, "latin1");

/** Readings as the 34465A sends them after FORM REAL,64: big-endian float64. */
function doubles(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => out.writeDoubleBE(v, i * 8));
  return out;
}
/** Block data full of the bytes a line framer would cut at. */
const WITH_LF = Buffer.from([0x0a, 0x0d, 0x0a, 0x23, 0x0a, 0x00, 0xff, 0x0a]);

function session(timeoutMs = 1000) {
  const transport = new FakeTransport();
  const scpi = new ScpiSession(transport, { name: "dmm1", terminator: "\n", timeoutMs }, silentLogger);
  const arrive = (b: Buffer) => transport.emit("data", b);
  return { transport, scpi, arrive };
}

describe("IEEE 488.2 block parser", () => {
  it("parses a definite-length block in one chunk and says how many bytes it took", () => {
    const data = doubles(10.000012, -0.5);
    const wire = Buffer.concat([bytes("#216"), data, bytes("\n")]);
    expect(parseBlock(wire, CONTEXT)).toEqual({ data, consumed: wire.length });
  });

  it("reads exactly len bytes, whatever they are, so a terminator byte inside does not end it", () => {
    const wire = Buffer.concat([encodeBlock(WITH_LF), bytes("\r\n")]);
    expect(parseBlock(wire, CONTEXT)).toEqual({ data: WITH_LF, consumed: wire.length });
  });

  it("waits while the header, the data or the terminator is incomplete", () => {
    const wire = Buffer.concat([encodeBlock(WITH_LF), bytes("\n")]);
    for (let cut = 0; cut < wire.length; cut++) expect(parseBlock(wire.subarray(0, cut), CONTEXT)).toBeNull();
    expect(parseBlock(Buffer.concat([encodeBlock(WITH_LF), bytes("\r")]), CONTEXT)).toBeNull();
  });

  it("parses an indefinite-length block up to the terminator", () => {
    expect(parseBlock(bytes("#0ABC\x00\rDEF\nnext"), CONTEXT)).toEqual({ data: bytes("ABC\x00\rDEF"), consumed: 11 });
    expect(parseBlock(bytes("#0AB\r\n"), { ...CONTEXT, terminator: "\r\n" })).toEqual({ data: bytes("AB"), consumed: 6 });
  });

  it("names the instrument, the command and what is wrong with a corrupt header", () => {
    const cases: [string, RegExp][] = [
      ["+9.90000000E+37\n", /not a block: no #/],
      ["#X12\n", /bad block header digit count/],
      ["#21Z0123456789\n", /bad block length/],
      ["#3999\n", /block of 999 bytes is over the limit/],
      ["#14ABCDxyz\n", /4-byte block not followed by the terminator/],
      ["#9999999999", /over the limit/],
    ];
    for (const [wire, why] of cases) {
      let caught: unknown;
      try {
        parseBlock(bytes(wire), { ...CONTEXT, maxLength: 100 });
      } catch (err) {
        caught = err;
      }
      expect(isTelecalError(caught, "TC_ERR_INSTRUMENT_REPLY"), wire).toBe(true);
      expect((caught as Error).message, wire).toMatch(/^dmm1: cannot parse reply ".*" \(.+\) to R\? 2$/s);
      expect((caught as Error).message, wire).toMatch(why);
    }
  });

  it("the simulated 34465A's R? 4 is a block of four big-endian doubles near 10 V", () => {
    const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"));
    const reply = sim.handle("R? 4");
    const parsed = parseBlock(bytes(`${reply.text}${sim.definition.terminator}`), CONTEXT);
    expect(parsed?.data).toHaveLength(32);
    for (let i = 0; i < 4; i++) expect(parsed!.data.readDoubleBE(i * 8)).toBeCloseTo(10, 3);
  });
});

describe("ScpiSession.queryBlock", () => {
  it("returns the block's bytes when it arrives split over chunks, terminator bytes and all", async () => {
    const { transport, scpi, arrive } = session();
    const block = scpi.queryBlock("R? 1");
    await Promise.resolve();
    expect(transport.written).toEqual(["R? 1\n"]);
    const wire = Buffer.concat([encodeBlock(WITH_LF), bytes("\n")]);
    for (const piece of [wire.subarray(0, 1), wire.subarray(1, 3), wire.subarray(3, 7), wire.subarray(7)]) arrive(piece);
    expect(await block).toEqual(WITH_LF);
  });

  it("takes two replies from one chunk: a block, then a line, then another block", () => {
    const framer = new ReplyFramer("\n");
    framer.push(Buffer.concat([encodeBlock(WITH_LF), bytes('\n+0,"No error"\n'), encodeBlock(doubles(1.5)), bytes("\n")]));
    expect(framer.takeBlock(CONTEXT)).toEqual(WITH_LF);
    expect(framer.takeLine()).toBe('+0,"No error"');
    expect(framer.takeBlock(CONTEXT)).toEqual(doubles(1.5));
    expect(framer.buffered).toBe(0);
  });

  it("never gives a line that came with a block to a query not yet sent: it is unsolicited", async () => {
    const { transport, scpi, arrive } = session(200);
    const block = scpi.queryBlock("R? 1");
    await Promise.resolve();
    arrive(Buffer.concat([encodeBlock(WITH_LF), bytes('\n+0,"No error"\n')]));
    expect(await block).toEqual(WITH_LF);
    expect(scpi.unsolicited).toBe(1);
    const err = scpi.query("SYST:ERR?").catch((e: unknown) => e);
    expect(isTelecalError(await err, "TC_ERR_INSTRUMENT_TIMEOUT")).toBe(true);
    expect(transport.written).toEqual(["R? 1\n", "SYST:ERR?\n"]);
  });

  it("fails a reply that is not a block with a named error, and the next query gets its own reply", async () => {
    const { scpi, arrive } = session();
    const block = scpi.queryBlock("R? 1").catch((e: unknown) => e);
    await Promise.resolve();
    arrive(bytes("+9.9000"));
    arrive(bytes("0000E+37\n"));
    const err = await block;
    expect(isTelecalError(err, "TC_ERR_INSTRUMENT_REPLY")).toBe(true);
    expect((err as Error).message).toMatch(/^dmm1: cannot parse reply "\+9\.9000".*not a block.* to R\? 1$/);
    const idn = scpi.query("*IDN?");
    await Promise.resolve();
    arrive(bytes("ACME,1,2,3\n"));
    expect(await idn).toBe("ACME,1,2,3");
  });

  it("drops a late block to a timed-out query whole, never passing its bytes to the next command", async () => {
    vi.useFakeTimers();
    try {
      const { scpi, arrive } = session(500);
      const late = scpi.queryBlock("R? 1").catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(600);
      expect(isTelecalError(await late, "TC_ERR_INSTRUMENT_TIMEOUT")).toBe(true);
      const next = scpi.query("READ?");
      await vi.advanceTimersByTimeAsync(0);
      // The late block arrives while the session waits out its grace period: dropped whole.
      arrive(Buffer.concat([encodeBlock(WITH_LF), bytes("\n")]));
      await vi.advanceTimersByTimeAsync(700);
      arrive(bytes("+1.00000000E+01\n"));
      expect(await next).toBe("+1.00000000E+01");
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("block parser properties (fast-check)", () => {
  it("random bytes never throw anything but a TelecalError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom("\n", "\r\n", "\r"), (data, terminator) => {
        try {
          parseBlock(Buffer.from(data), { ...CONTEXT, terminator, maxLength: 1000 });
        } catch (err) {
          if (!(err instanceof TelecalError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes in random chunks through the framer never throw anything but a TelecalError", () => {
    const chunks = fc.array(fc.uint8Array({ maxLength: 16 }), { maxLength: 12 });
    fc.assert(
      fc.property(chunks, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), (parts, wantBlocks) => {
        const framer = new ReplyFramer("\n", 256);
        for (const [i, part] of parts.entries()) {
          framer.push(Buffer.from(part));
          try {
            if (wantBlocks[i % wantBlocks.length]) framer.takeBlock(CONTEXT);
            else framer.takeLine();
          } catch (err) {
            if (!(err instanceof TelecalError)) throw err;
            framer.takeLine();
          }
        }
      }),
    );
  });

  it("any bytes sent as a definite block come back unchanged, however the stream is cut", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 5 }), (data, cuts) => {
        const wire = Buffer.concat([encodeBlock(data), bytes("\n")]);
        const framer = new ReplyFramer("\n");
        let got: Buffer | null = null;
        let from = 0;
        for (const at of [...cuts.map((c) => c % (wire.length + 1)).sort((a, b) => a - b), wire.length]) {
          framer.push(wire.subarray(from, Math.max(from, at)));
          from = Math.max(from, at);
          got ??= framer.takeBlock(CONTEXT);
        }
        expect(got).toEqual(Buffer.from(data));
        expect(framer.buffered).toBe(0);
      }),
    );
  });
});
