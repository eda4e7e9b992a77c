import { type AgentCheckpointAnswer, AgentCheckpointAsk, TelecalError, validationError } from "@telecal/protocols";
import type { Checkpointer } from "../records/checkpoints";
import { consistencyProof } from "../records/consistency";
import { readLeaves } from "../records/leaves";
import { auditPath } from "../records/merkle";
import { recordsDb } from "../records/schema";

/**
 * Asks one agent may make per minute: each reads the log's leaves up to the checkpoint, so a faulty
 * or hostile agent is held to one a second (the agent asks once a minute by default).
 */
export const AGENT_CHECKPOINT_ASKS_PER_MINUTE = 60;

/**
 * /agent `checkpoint`: the latest signed checkpoint, proven to cover the agent's latest reading
 * batch under it, and consistent with the one the agent keeps (`since`). The agent keeps it outside
 * the lab server: evidence that a history rewritten later with the server's own key cannot match.
 */
export async function answerAgentCheckpoint(checkpoints: Checkpointer, db: object, agentId: string, raw: unknown): Promise<AgentCheckpointAnswer> {
  const parsed = AgentCheckpointAsk.safeParse(raw ?? {});
  if (!parsed.success) throw validationError("checkpoint ask", parsed.error);
  const { since } = parsed.data;
  const checkpoint = await checkpoints.latest();
  if (!checkpoint) throw new TelecalError("TC_ERR_AGENT_NOT_CHECKPOINTED", { agentId });
  const records = recordsDb(db);
  // By actor, not by stream prefix: an agent id may hold LIKE's wildcards.
  const record = await records
    .selectFrom("records")
    .select(["id", "stream", "seq", "hash", "created_at", "actor"])
    .where("actor", "=", `agent:${agentId}`)
    .where("kind", "=", "reading-batch")
    .where("id", "<=", checkpoint.treeSize)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  if (!record) throw new TelecalError("TC_ERR_AGENT_NOT_CHECKPOINTED", { agentId });
  const leaves = await readLeaves(records, checkpoint.treeSize);
  if (leaves.length < checkpoint.treeSize) throw new TelecalError("TC_ERR_INTERNAL", { reason: `the log holds fewer records than checkpoint ${checkpoint.treeSize}` });
  const hex = (hs: Buffer[]) => hs.map((h) => h.toString("hex"));
  return {
    checkpoint,
    publicKey: checkpoints.key.publicKey,
    record: {
      id: record.id,
      stream: record.stream,
      seq: Number(record.seq),
      hash: record.hash,
      createdAt: Number(record.created_at),
      actor: record.actor,
      leafHash: leaves[record.id - 1]!.toString("hex"),
      auditPath: hex(auditPath(record.id - 1, leaves)),
    },
    // From the records as they are now: a rewrite under the agent's checkpoint cannot be proven consistent.
    consistency: since !== undefined && since <= checkpoint.treeSize ? hex(consistencyProof(since, leaves)) : null,
  };
}
