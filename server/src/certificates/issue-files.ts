import type { CertificateData, CertificatePerson } from "@telecal/protocols";
import type { SigningKey } from "../records/keys";
import { renderDcc } from "./dcc";
import { type ManifestBase, sealDcc } from "./dcc-seal";
import { type CertificateLanguage, renderPdf } from "./pdf";
import { sealPdf, signatureSpaceFor } from "./pdf-seal";
import { sha256Hex } from "./signature";

export interface CertificateFiles {
  /** The signed DCC XML. */
  dcc: Buffer;
  /** The signed PDFs, Chinese (the certificate) and English, each carrying the DCC. */
  pdf: Record<CertificateLanguage, Buffer>;
}

export interface Signer {
  person: CertificatePerson;
  key: SigningKey;
}

/** <public base URL>/verify/<id>: where the QR code points. */
export function verifyUrlOf(publicBaseUrl: string, id: string): string {
  return `${publicBaseUrl.replace(/\/+$/, "")}/verify/${encodeURIComponent(id)}`;
}

/** What every signature of this server's documents states: the document, its signer, its raw records, when. */
export function manifestBase(doc: { id: string; number: string; records: { checkpoint: ManifestBase["checkpoint"]; hashes: string[] } }, signer: Signer, now: number): ManifestBase {
  return {
    format: "telecal-certificate-signature/v1",
    certificateId: doc.id,
    number: doc.number,
    signer: { ...signer.person, key: signer.key.publicKey },
    checkpoint: doc.records.checkpoint,
    records: doc.records.hashes,
    issuedAt: now,
  };
}

/** Renders and signs the DCC, then the PDFs that carry it: one approver's signature over each file's exact bytes. */
export async function issueFiles(data: CertificateData, signer: Signer, publicBaseUrl: string, now = Date.now()): Promise<CertificateFiles> {
  if (signer.person.id !== data.people.approver.id) throw new Error("only the approver (批准人) signs a certificate");
  const base: ManifestBase = { ...manifestBase(data, signer, now), ...(data.job !== undefined ? { job: { id: data.job, results: data.results } } : {}) };
  const dcc = sealDcc(renderDcc(data), base, signer.key);
  const dccSha256 = sha256Hex(dcc);
  const verifyUrl = verifyUrlOf(publicBaseUrl, data.id);
  const signatureSpace = signatureSpaceFor(data.records.hashes.length, data.job !== undefined ? data.results.length : 0);
  const pdf = {} as Record<CertificateLanguage, Buffer>;
  for (const lang of ["zh", "en"] as const) {
    pdf[lang] = sealPdf(await renderPdf(data, { lang, verifyUrl, dcc, signatureSpace }), base, dccSha256, signer.key);
  }
  return { dcc, pdf };
}
