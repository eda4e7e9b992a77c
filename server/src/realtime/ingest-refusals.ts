import { type AgentHello, canonicalJson, CLOCK_INSTRUMENT, CLOCK_INSTRUMENT_ID, CLOCK_STREAM_ID, type ReadingBatch, TelecalError } from "@telecal/protocols";
import type { Store } from "../store/store";

/** The record log's stream of what ingest refused from one agent: the lab admin's view of it. */
export function refusalStream(agentId: string): string {
  return `refusals/${agentId}`;
}

/**
 * `agent-clock` is the agent's own clock (protocols/src/clock.ts): a hello may announce it only as
 * exactly that, and no other instrument may carry its stream. Undefined when the hello is fine.
 */
export function reservedIdProblem(hello: AgentHello): TelecalError | undefined {
  const clock = canonicalJson(CLOCK_INSTRUMENT);
  for (const instrument of hello.instruments) {
    if (instrument.id === CLOCK_INSTRUMENT_ID && canonicalJson(instrument) !== clock) {
      return new TelecalError("TC_ERR_RESERVED_ID", { id: instrument.id, reason: "it names the agent's own clock; give the instrument another id" });
    }
    const stream = instrument.streams.find((s) => s.id === CLOCK_STREAM_ID);
    if (instrument.id !== CLOCK_INSTRUMENT_ID && stream) {
      return new TelecalError("TC_ERR_RESERVED_ID", { id: stream.id, reason: `it is the agent clock's stream, not ${instrument.id}'s` });
    }
  }
  return undefined;
}

/** A batch in another unit than its stream was announced in: stored, every value would be misstated. */
export function unitProblem(batch: ReadingBatch, announced: string): TelecalError | undefined {
  if (batch.unit === announced) return undefined;
  return new TelecalError("TC_ERR_UNIT_MISMATCH", { stream: batch.streamId, first: batch.firstSeq, unit: batch.unit, announced });
}

/** Appends the refusal to the record log, then throws it: the agent is told, the lab keeps the trace. */
export async function refuse(store: Store, agentId: string, error: TelecalError, detail: Record<string, unknown>, now = Date.now()): Promise<never> {
  await store.records.append({ kind: "ingest-refusal", stream: refusalStream(agentId), actor: `agent:${agentId}`, payload: { code: error.code, message: error.message, ...detail } }, now);
  throw error;
}
