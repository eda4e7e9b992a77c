import { readFileSync } from "node:fs";
import { Checkpoint, CheckpointResponse } from "@telecal/protocols";
import { checkpointsAgainstDatabase } from "@telecal/server";
import { type CheckOutcome, iso, type LogAt, VERIFY_EXIT } from "./verify-exit";

/** A checkpoint saved earlier: the answer of GET /api/records/checkpoint, or the checkpoint alone. */
function readCheckpointFile(file: string): Checkpoint | string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    return `cannot read it: ${err instanceof Error ? err.message : String(err)}`;
  }
  const saved = CheckpointResponse.safeParse(json);
  if (saved.success) return saved.data.checkpoint;
  const bare = Checkpoint.safeParse(json);
  return bare.success ? bare.data : "not a checkpoint (GET /api/records/checkpoint saved as JSON)";
}

/** `telecal verify --from FILE`: the checkpoint is signed by a key of the log, and the log today still has its root. */
export async function checkFrom(file: string, log: LogAt): Promise<CheckOutcome> {
  const cp = readCheckpointFile(file);
  if (typeof cp === "string") return { lines: [`checkpoint ${file}: ${cp}`], exitCode: VERIFY_EXIT.input };
  const named = `checkpoint ${file} (tree size ${cp.treeSize}, made ${iso(cp.time)})`;
  const [differs] = await checkpointsAgainstDatabase(log.databaseUrl, [cp], log.trustedKeys ? { trustedKeys: log.trustedKeys } : {});
  if (differs) return { lines: [`${named}: FAILED: ${differs.reason}`], exitCode: VERIFY_EXIT.from };
  return { lines: [`${named}: OK: signed by key ${cp.keyId}, and the log's records 1..${cp.treeSize} still have its root`], exitCode: VERIFY_EXIT.ok };
}
