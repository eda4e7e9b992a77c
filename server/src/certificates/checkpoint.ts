import { type CertificateData, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Checkpointer } from "../records/checkpoints";
import { recordsDb } from "../records/schema";
import type { Schema } from "../store/schema";

/** The signed checkpoint a certificate names: a verifier checks its raw records against that tree. */
export type CertificateCheckpoint = CertificateData["records"]["checkpoint"];

/** A checkpoint made now, over every record so far: a job's results are then computed from exactly the records under it. */
export async function checkpointNow(checkpoints: Checkpointer): Promise<CertificateCheckpoint> {
  await checkpoints.checkpoint();
  const latest = await checkpoints.latest();
  if (!latest) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
  return { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId };
}

/** The latest signed checkpoint, made now if it does not yet cover every raw record named. */
export async function checkpointCovering(db: Kysely<Schema>, checkpoints: Checkpointer, hashes: unknown[]): Promise<CertificateCheckpoint> {
  const wanted = hashes.filter((h): h is string => typeof h === "string");
  const rows = wanted.length === 0 ? [] : await recordsDb(db).selectFrom("records").select(["id", "hash"]).where("hash", "in", wanted).execute();
  const missing = wanted.find((h) => !rows.some((r) => r.hash === h));
  if (missing !== undefined) throw new TelecalError("TC_ERR_RECORD_NOT_FOUND", { id: missing });
  const highest = Math.max(0, ...rows.map((r) => r.id));
  let latest = await checkpoints.latest();
  if (!latest || latest.treeSize < highest) {
    await checkpoints.checkpoint();
    latest = await checkpoints.latest();
  }
  if (!latest) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
  return { treeSize: latest.treeSize, rootHash: latest.rootHash, keyId: latest.keyId };
}
