import { z } from "zod";
import { Id } from "./ids";
import { InstrumentDescriptor } from "./instrument";

/** A point of recent history as viewers get it: [UTC ms, value or null, flags]. */
export const HistoryPoint = z.tuple([z.number(), z.number().nullable(), z.number().int()]);
export type HistoryPoint = z.infer<typeof HistoryPoint>;

export const AgentSummary = z.strictObject({
  agentId: Id,
  name: z.string(),
  online: z.boolean(),
  connectedAt: z.number().nullable(),
  lastSeen: z.number(),
  clock: z.strictObject({ offsetMs: z.number(), uncertaintyMs: z.number() }).nullable(),
  instruments: z.array(InstrumentDescriptor),
});
export type AgentSummary = z.infer<typeof AgentSummary>;

/** Everything a viewer needs on (re)connect: who is online, and each stream's recent history. */
export const UiSnapshot = z.strictObject({
  serverTime: z.number(),
  agents: z.array(AgentSummary),
  /** Keyed by streamRef(agentId, streamId): "agentId:streamId". */
  history: z.record(z.string(), z.array(HistoryPoint)),
});
export type UiSnapshot = z.infer<typeof UiSnapshot>;
