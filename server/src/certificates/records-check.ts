import { type SignatureManifest, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { openDatabase } from "../store/db";
import type { Schema } from "../store/schema";
import type { RecordsSchema } from "../records/schema";
import { checkCertificateResults, type ResultsCheck } from "./results-check";

const CHUNK = 500;

/**
 * Checks a certificate's raw records against a record log at hand: the checkpoint it names is the
 * log's (same size, same root), and every record hash it names is in the log, under that
 * checkpoint; then, for a certificate issued from a job, its results recomputed from those records
 * (results-check.ts). The log's own chains and signatures are `telecal verify`'s to check.
 */
export async function checkCertificateRecords(store: Kysely<Schema>, manifest: SignatureManifest, file: string): Promise<ResultsCheck | null> {
  const db = store as unknown as Kysely<RecordsSchema>;
  const fail = (reason: string) => new TelecalError("TC_ERR_CERT_RECORDS", { file, reason });
  const cp = manifest.checkpoint;
  const row = await db.selectFrom("record_checkpoints").select(["root_hash", "key_id"]).where("tree_size", "=", cp.treeSize).executeTakeFirst();
  if (!row) throw fail(`the log has no checkpoint of size ${cp.treeSize}`);
  if (row.root_hash !== cp.rootHash) throw fail(`checkpoint ${cp.treeSize} has root ${row.root_hash}, the certificate ${cp.rootHash}`);
  const found = new Map<string, number>();
  for (let i = 0; i < manifest.records.length; i += CHUNK) {
    const part = manifest.records.slice(i, i + CHUNK);
    for (const r of await db.selectFrom("records").select(["id", "hash"]).where("hash", "in", part).execute()) found.set(r.hash, r.id);
  }
  for (const hash of manifest.records) {
    const id = found.get(hash);
    if (id === undefined) throw fail(`raw record ${hash} is not in the log`);
    if (id > cp.treeSize) throw fail(`raw record ${id} is not under checkpoint ${cp.treeSize}`);
  }
  return checkCertificateResults(store, manifest, file);
}

/** The same, on the database at `url` (sqlite:FILE or postgres://...), opened without migrating it. */
export async function checkCertificateRecordsAt(url: string, manifest: SignatureManifest, file: string): Promise<ResultsCheck | null> {
  const { db } = openDatabase(url);
  try {
    return await checkCertificateRecords(db, manifest, file);
  } finally {
    await db.destroy();
  }
}
