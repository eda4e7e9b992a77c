import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { batchSigningBytes, type ReadingBatchPayload } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import type { RecordsTable } from "./schema";
import type { RecordProblem } from "./verify-readings";

interface HeldKey {
  key: KeyObject;
  from: number;
}

/**
 * The device keys each agent has had (agent_keys), to check the signature a reading-batch record
 * keeps: the batch must verify under a key the agent held by the time it was stored. A reading
 * rewritten in the database, its chain and checkpoints recomputed, fails here unless the forger
 * also holds the agent's private key, which never leaves the bench.
 */
export class AgentKeyHistory {
  /** Batch records that carry no signature (stored before records kept it, or unsigned). */
  unsigned = 0;

  private constructor(private readonly keys: ReadonlyMap<string, HeldKey[]>) {}

  static async load(db: Kysely<Schema>): Promise<AgentKeyHistory> {
    const keys = new Map<string, HeldKey[]>();
    const add = (agentId: string, pem: string, from: number) => keys.set(agentId, [...(keys.get(agentId) ?? []), { key: createPublicKey(pem), from }]);
    // Asked, not tried: in PostgreSQL a failed query would end verify's snapshot transaction.
    const tables = new Set((await db.introspection.getTables()).map((t) => t.name));
    if (tables.has("agent_keys")) {
      for (const k of await db.selectFrom("agent_keys").selectAll().execute()) add(k.agent_id, k.public_key, Number(k.valid_from));
    } else {
      // A database from before the key history (verify does not migrate): its agents' current keys.
      for (const a of await db.selectFrom("agents").select(["id", "public_key"]).where("public_key", "is not", null).execute()) add(a.id, a.public_key!, 0);
    }
    return new AgentKeyHistory(keys);
  }

  /** What is wrong with the record's signature, or null (also for an unsigned record, counted). */
  check(r: RecordsTable, p: ReadingBatchPayload): RecordProblem | null {
    if (p.signature === undefined) {
      this.unsigned++;
      return null;
    }
    const { agentId: _a, receivedAt: _r, storedFrom: _s, signature, ...batch } = p;
    void [_a, _r, _s];
    const bytes = batchSigningBytes(batch);
    const held = (this.keys.get(p.agentId) ?? []).filter((k) => k.from <= r.created_at);
    if (held.length === 0) return { reason: `agent ${p.agentId} had no registered device key when it was stored` };
    const good = held.some((k) => {
      try {
        return verify(null, bytes, k.key, Buffer.from(signature, "base64"));
      } catch {
        return false;
      }
    });
    return good ? null : { reason: `the agent's signature does not verify under any device key agent ${p.agentId} had: the batch was changed after it was signed` };
  }
}
