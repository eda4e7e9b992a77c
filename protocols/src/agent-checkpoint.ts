import { z } from "zod";
import { Checkpoint, RecordsPublicKey } from "./records";

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, "32 bytes, lowercase hex");

/**
 * /agent `checkpoint`: the agent asks for the latest signed checkpoint that covers one of its own
 * reading batches. `since`: the tree size of the checkpoint it keeps, to get the consistency proof.
 */
export const AgentCheckpointAsk = z.strictObject({
  since: z.number().int().positive().optional(),
});
export type AgentCheckpointAsk = z.infer<typeof AgentCheckpointAsk>;

/**
 * The answer: the checkpoint, the key that signed it, the agent's latest reading-batch record under
 * it with its RFC 9162 audit path, and PROOF(since, D[treeSize]) when `since` was asked.
 */
export const AgentCheckpointAnswer = z.strictObject({
  checkpoint: Checkpoint,
  publicKey: RecordsPublicKey,
  record: z.strictObject({
    id: z.number().int().positive(),
    /** "agentId/streamId": the record log's stream of one of the agent's streams. */
    stream: z.string(),
    seq: z.number().int().nonnegative(),
    /** The record's chain hash, and the columns that make its leaf with it (leafData()). */
    hash: Hex32,
    createdAt: z.number().int(),
    actor: z.string(),
    leafHash: Hex32,
    /** Sibling hashes from the leaf up. */
    auditPath: z.array(Hex32),
  }),
  /** Hex; empty when `since` equals the tree size; null when `since` was not asked or is larger. */
  consistency: z.array(Hex32).nullable(),
});
export type AgentCheckpointAnswer = z.infer<typeof AgentCheckpointAnswer>;
