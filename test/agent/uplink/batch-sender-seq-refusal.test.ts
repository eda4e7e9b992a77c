import { silentLogger } from "@telecal/agent";
import { BatchSender } from "@telecal/agent/uplink/batch-sender";
import { Outbox } from "@telecal/agent/uplink/outbox";
import type { BatchAck, ReadingBatch, Reply } from "@telecal/protocols";
import { describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/bench";

/**
 * A batch refused for its seq (the server holds less than it acknowledged, e.g. after a database
 * fail-over while the agent stayed connected) makes the sender ask for a new hello, which learns
 * the server's seqs; any other refusal only parks the stream.
 */
describe("batch sender after a seq refusal", () => {
  for (const [code, asks] of [["TC_ERR_SEQ_GAP", true], ["TC_ERR_FIRST_SEQ_SKIPPED", true], ["TC_ERR_UNIT_MISMATCH", false]] as const) {
    it(`${code}: ${asks ? "asks for a new hello" : "only waits"}`, async () => {
      const outbox = new Outbox({ file: ":memory:", log: silentLogger });
      outbox.push("dmm1", "dmm1.dcv", "V", { t: 1_800_000_000_000, value: 1, flags: 0 });
      outbox.commit();
      const sent: ReadingBatch[] = [];
      const refusedFor: string[] = [];
      const sender = new BatchSender({
        outbox,
        log: silentLogger,
        emit: (batch): Promise<Reply<BatchAck>> => {
          sent.push(batch);
          return Promise.resolve({ ok: false, error: { code, message: "refused" } });
        },
        now: () => 1_800_000_000_000,
        onUnanswered: () => undefined,
        onSeqRefused: (streamId) => refusedFor.push(streamId),
      });
      sender.open();
      await waitFor("the batch answered", () => (sent.length > 0 ? true : undefined));
      // The answer is handled in the microtasks after it.
      await new Promise((resolve) => setImmediate(resolve));
      expect(refusedFor).toEqual(asks ? ["dmm1.dcv"] : []);
      // Nothing was acknowledged: the reading is still to send.
      expect(outbox.size).toBe(1);
      sender.stop();
      outbox.close();
    });
  }
});
