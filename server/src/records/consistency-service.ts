import { type ConsistencyProofResponse, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { toCheckpoint } from "./checkpoints";
import { consistencyProof } from "./consistency";
import { readLeaves } from "./leaves";
import type { RecordsSchema } from "./schema";

/**
 * The consistency proof between two of the log's checkpoints, from the records as they are now: a
 * log rewritten under a checkpoint gives a proof that fails against that checkpoint's old root.
 */
export async function consistencyBetween(db: Kysely<RecordsSchema>, first: number, second: number): Promise<ConsistencyProofResponse> {
  const refuse = (reason: string) => new TelecalError("TC_ERR_CONSISTENCY_SIZES", { first, second, reason });
  if (first > second) throw refuse("first is larger than second");
  const rows = await db.selectFrom("record_checkpoints").selectAll().where("tree_size", "in", [first, second]).execute();
  const at = (size: number) => rows.find((r) => Number(r.tree_size) === size);
  const a = at(first);
  const b = at(second);
  if (!a) throw refuse(`no checkpoint has tree size ${first}`);
  if (!b) throw refuse(`no checkpoint has tree size ${second}`);
  const leaves = await readLeaves(db, second);
  if (leaves.length < second) throw refuse(`the log holds ${leaves.length} records, fewer than ${second}`);
  return {
    first: toCheckpoint(a),
    second: toCheckpoint(b),
    proof: consistencyProof(first, leaves).map((h) => h.toString("hex")),
  };
}
