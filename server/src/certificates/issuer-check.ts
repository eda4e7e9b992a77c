import { type CertificateSummary, type KeyProof, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { openDatabase } from "../store/db";
import type { Schema } from "../store/schema";
import { type ProvenKey, proveSignerKey } from "./key-proof";
import { checkCertificateRecords } from "./records-check";
import type { ResultsCheck } from "./results-check";
import { publishedKeyOf } from "./signer-keys";
import { summaryOf } from "./summary";
import type { VerifiedFile } from "./verify";

export interface IssuerVerdict {
  certificate: CertificateSummary;
  key: ProvenKey;
  results?: ResultsCheck;
}

/**
 * A file checked by itself, then against the issuer's store (the server itself, or a data dir or
 * database at hand): the id was issued there, by the person who signed, with that person's key as
 * registered and not revoked at the time of issue, and the very file was issued; then its raw
 * records and results (records-check.ts). Anything else is refused with its code.
 */
export async function checkAgainstIssuer(db: Kysely<Schema>, checked: VerifiedFile, file: string, proof: KeyProof): Promise<IssuerVerdict> {
  const { manifest } = checked;
  const row = await db.selectFrom("certificates").selectAll().where("id", "=", manifest.certificateId).executeTakeFirst();
  if (!row) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id: manifest.certificateId });
  const keyRow = await db.selectFrom("certificate_signer_keys").selectAll().where("key_id", "=", manifest.signer.key.keyId).executeTakeFirst();
  // Only the key of the person who issued this very certificate proves it (not a colleague's, not a forger's).
  const registered = keyRow && row.issued_by === manifest.signer.id ? [publishedKeyOf(keyRow)] : [];
  const key = proveSignerKey(manifest, registered, proof, file, Number(row.issued_at));
  const issued = checked.file === "dcc" ? [row.dcc_sha256] : [row.pdf_sha256, row.pdf_en_sha256];
  if (!issued.includes(checked.sha256)) throw new TelecalError("TC_ERR_CERT_MISMATCH", { file, id: row.id, reason: "its SHA-256 is not that of a file issued" });
  const results = await checkCertificateRecords(db, manifest, file);
  return { certificate: summaryOf(row), key, ...(results ? { results } : {}) };
}

/** The same on the database at `url` (sqlite:FILE or postgres://...), opened without migrating it. */
export async function checkAgainstIssuerAt(url: string, checked: VerifiedFile, file: string): Promise<IssuerVerdict> {
  const { db } = openDatabase(url);
  try {
    return await checkAgainstIssuer(db, checked, file, "registry");
  } finally {
    await db.destroy();
  }
}
