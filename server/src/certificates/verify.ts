import { type SignatureManifest, TelecalError } from "@telecal/protocols";
import { proveSignerKey, type TrustedKey } from "./key-proof";
import { openDcc } from "./dcc-seal";
import { openPdf } from "./pdf-seal";
import { sha256Hex } from "./signature";
import { dccUniqueIdentifier, parseCertificateXml } from "./xml-guard";

export interface VerifiedFile {
  file: "dcc" | "pdf";
  manifest: SignatureManifest;
  /** SHA-256 of the whole file, as the issuing server recorded it. */
  sha256: string;
}

export interface VerifyFileOptions {
  /** When given, the signer's key must be one of these (offline: the lab's published approver keys). */
  trustedKeys?: readonly TrustedKey[];
}

/**
 * Checks a certificate file by itself: its structure, that nothing was appended, that every signed
 * byte is unchanged and that the approver's signature verifies. Every failure is a TelecalError
 * with its own code (docs/certificates.md); nothing else escapes.
 */
export function verifyCertificateFile(bytes: Buffer, name: string, options: VerifyFileOptions = {}): VerifiedFile {
  try {
    const result = check(bytes, name);
    if (options.trustedKeys) proveSignerKey(result.manifest, options.trustedKeys, "pinned", name);
    return result;
  } catch (err) {
    if (err instanceof TelecalError) throw err;
    throw new TelecalError("TC_ERR_CERT_FORMAT", { file: name, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
  }
}

function check(bytes: Buffer, name: string): VerifiedFile {
  if (bytes.subarray(0, 5).toString("latin1") === "%PDF-") {
    const { block } = openPdf(bytes, name);
    return { file: "pdf", manifest: block.manifest, sha256: sha256Hex(bytes) };
  }
  const text = bytes.toString("utf8");
  if (!/^\uFEFF?\s*</.test(text)) throw new TelecalError("TC_ERR_CERT_FORMAT", { file: name, reason: "neither a PDF nor an XML document" });
  // Refused before anything else reads it: a DTD or an entity declaration.
  const doc = parseCertificateXml(text, name);
  const { block } = openDcc(bytes, name);
  const id = dccUniqueIdentifier(doc, name);
  if (id !== block.manifest.certificateId) {
    throw new TelecalError("TC_ERR_CERT_DIGEST", { file: name, reason: `the DCC says ${id}, its signature certificate ${block.manifest.certificateId}` });
  }
  return { file: "dcc", manifest: block.manifest, sha256: sha256Hex(bytes) };
}
