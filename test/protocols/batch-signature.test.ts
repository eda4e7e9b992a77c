import { BATCH_SIGNATURE_DOMAIN, batchSigningBytes, type ReadingBatch } from "@telecal/protocols";
import { describe, expect, it } from "vitest";

const batch: ReadingBatch = {
  streamId: "dmm1.dcv",
  instrumentId: "dmm1",
  firstSeq: 7,
  t: [1_795_000_000_000, 1_795_000_000_100],
  values: [1.000001, null],
  flags: [0, 1],
  unit: "V",
  clock: { offsetMs: -2.5, uncertaintyMs: 0.4 },
  historical: false,
};
const text = (b: ReadingBatch) => new TextDecoder().decode(batchSigningBytes(b));

describe("batchSigningBytes", () => {
  it("is the domain prefix and the canonical JSON of the batch without its signature", () => {
    expect(text(batch)).toBe(
      `${BATCH_SIGNATURE_DOMAIN}{"clock":{"offsetMs":-2.5,"uncertaintyMs":0.4},"firstSeq":7,"flags":[0,1],"historical":false,"instrumentId":"dmm1","streamId":"dmm1.dcv","t":[1795000000000,1795000000100],"unit":"V","values":[1.000001,null]}`,
    );
    expect(text({ ...batch, signature: "c2ln" })).toBe(text(batch));
  });

  it("does not depend on key order", () => {
    const reversed = Object.fromEntries(Object.entries(batch).reverse()) as ReadingBatch;
    const clock = { uncertaintyMs: 0.4, offsetMs: -2.5 };
    expect(text({ ...reversed, clock })).toBe(text(batch));
  });

  it("changes when any value changes", () => {
    const variants: ReadingBatch[] = [
      { ...batch, streamId: "dmm1.acv" },
      { ...batch, instrumentId: "dmm2" },
      { ...batch, firstSeq: 8 },
      { ...batch, t: [1_795_000_000_000, 1_795_000_000_101] },
      { ...batch, values: [1.000002, null] },
      { ...batch, values: [1.000001, 0] },
      { ...batch, flags: [0, 3] },
      { ...batch, unit: "mV" },
      { ...batch, clock: { offsetMs: -2.5, uncertaintyMs: 0.5 } },
      { ...batch, clock: { offsetMs: 2.5, uncertaintyMs: 0.4 } },
      { ...batch, historical: true },
    ];
    const seen = new Set([text(batch), ...variants.map(text)]);
    expect(seen.size).toBe(variants.length + 1);
  });
});
