import { type Checkpoint, LOG_ALARM_STREAM, type LogRegressionPayload, TelecalError } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Kysely } from "kysely";
import type { DialectName } from "../store/db";
import { checkpointSignatureValid } from "./checkpoint-text";
import type { Checkpointer } from "./checkpoints";
import { RecordLog } from "./log";
import type { RecordsSchema } from "./schema";

export interface RegressionCheck {
  db: Kysely<RecordsSchema>;
  dialect: DialectName;
  checkpoints: Checkpointer;
  /** The checkpoint file and what it holds. */
  file: string;
  last: Checkpoint;
  /** `--accept-restored-log`: a deliberate restore from backup, recorded instead of refused. */
  accept: boolean;
  log: FastifyBaseLogger;
}

/**
 * At start: the log must hold at least the records of the last checkpoint this server signed, and
 * they must give its root; else the database was cut, rolled back or replaced, and the server does
 * not start (TC_ERR_LOG_REGRESSED) unless told that it is a restore, which it then records. A
 * checkpoint missing from the database while its records are intact is put back from the file.
 */
export async function checkLogNotOlder(c: RegressionCheck): Promise<void> {
  const { db, last } = c;
  const top = await db.selectFrom("records").select("id").orderBy("id", "desc").limit(1).executeTakeFirst();
  const size = top?.id ?? 0;
  const at = `the last checkpoint (${last.seq === undefined ? "" : `seq ${last.seq}, `}signed ${new Date(last.time).toISOString()}) covers ${last.treeSize} records`;
  let reason: string | null = null;
  if (size < last.treeSize) reason = `the log holds ${size} records, ${at}`;
  else if ((await c.checkpoints.rootAt(last.treeSize)) !== last.rootHash) reason = `the log holds ${size} records, ${at}, but its first ${last.treeSize} records do not give that checkpoint's root`;
  if (reason === null) return restoreMissingCheckpoint(c);
  if (!c.accept) throw new TelecalError("TC_ERR_LOG_REGRESSED", { reason, file: c.file });
  const payload: LogRegressionPayload = {
    lastCheckpoint: { treeSize: last.treeSize, rootHash: last.rootHash, time: last.time, ...(last.seq === undefined ? {} : { seq: last.seq }) },
    logSize: size,
    reason,
    acceptedAt: Date.now(),
  };
  const record = await new RecordLog(db, c.dialect).append({ kind: "log-regression", stream: LOG_ALARM_STREAM, actor: "server", payload });
  c.log.warn({ code: "TC_ERR_LOG_REGRESSED", reason, recordId: record.id, file: c.file }, "record log older than the last checkpoint: accepted as a restore (--accept-restored-log), recorded");
}

/** The file's checkpoint back into the database, when the records are intact but it is gone from there. */
async function restoreMissingCheckpoint(c: RegressionCheck): Promise<void> {
  const { db, last } = c;
  const row = await db.selectFrom("record_checkpoints").select("root_hash").where("tree_size", "=", last.treeSize).executeTakeFirst();
  if (row) return;
  if (last.keyId !== c.checkpoints.key.publicKey.keyId || !checkpointSignatureValid(last, c.checkpoints.key.publicKey.spki)) return;
  await db
    .insertInto("record_checkpoints")
    .values({ tree_size: last.treeSize, root_hash: last.rootHash, created_at: last.time, key_id: last.keyId, signature: last.signature, seq: last.seq ?? null, prev_hash: last.prevHash ?? null, leaves: null })
    .onConflict((oc) => oc.column("tree_size").doNothing())
    .execute();
  c.log.warn({ treeSize: last.treeSize, seq: last.seq, file: c.file }, "the last checkpoint was missing from the database; put back from the checkpoint file");
}
