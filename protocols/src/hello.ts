import { z } from "zod";
import { Id } from "./ids";
import { InstrumentDescriptor } from "./instrument";

/** The first event an agent sends on /agent; nothing else is accepted before it. */
export const AgentHello = z.strictObject({
  protocol: z.number().int().positive(),
  agentId: Id,
  name: z.string().min(1).max(128),
  software: z.string().max(64),
  instruments: z.array(InstrumentDescriptor).max(256),
  /**
   * Per stream, the highest seq this agent saw the server acknowledge. A server holding less (it
   * lost data) records a `stream-regression` alarm; the agent resends from the server's `acked`.
   */
  acked: z.record(Id, z.number().int().nonnegative()).optional(),
});
export type AgentHello = z.infer<typeof AgentHello>;

export const HelloAccepted = z.strictObject({
  agentId: Id,
  protocol: z.number().int(),
  /** Server UTC in ms, a first hint for the agent's clock; the offset is measured separately. */
  serverTime: z.number(),
  /** Per stream, the highest seq the server already holds (-1 for none): the agent resumes after it. */
  acked: z.record(z.string(), z.number().int()),
});
export type HelloAccepted = z.infer<typeof HelloAccepted>;
