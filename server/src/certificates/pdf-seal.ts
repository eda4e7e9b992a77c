import { canonicalJson, type SignatureBlock, type SignatureManifest, TelecalError } from "@telecal/protocols";
import type { SigningKey } from "../records/keys";
import type { ManifestBase } from "./dcc-seal";
import { PDF_SIGNATURE_MARKER, PDF_SIGNATURE_PREFIX } from "./pdf-signature-space";
import { checkSealed, digestOfRanges, parseBlock, signManifest } from "./signature";

const SPACE = 0x20;

/** Bytes to keep for the signature block: the manifest with its record hashes and result rows, the signature, and room to spare. */
export function signatureSpaceFor(recordCount: number, resultRows = 0): number {
  return 4096 + recordCount * 70 + resultRows * 512;
}

/**
 * Signs a rendered PDF in place: the digest covers every byte but the signature space (as a PDF
 * signature's ByteRange does), and the manifest states the file's length, so that an appended
 * incremental update is seen. No byte moves, so the PDF's cross-reference table stays right.
 * `dccSha256`: the DCC a certificate PDF carries; a 培训证明 carries none.
 */
export function sealPdf(pdf: Buffer, base: ManifestBase, dccSha256: string | undefined, key: SigningKey): Buffer {
  const start = pdf.indexOf(PDF_SIGNATURE_MARKER, 0, "latin1");
  if (start < 0 || pdf.indexOf(PDF_SIGNATURE_MARKER, start + 1, "latin1") >= 0) throw new Error("the PDF must hold exactly one signature space");
  let end = start;
  while (end < pdf.length && pdf[end] !== 0x0a) end++;
  // The space is the stream's content: marker then spaces up to the newline before "endstream".
  const ranges: [number, number][] = [
    [0, start],
    [end, pdf.length],
  ];
  const manifest: SignatureManifest = { ...base, file: "pdf", sha256: digestOfRanges(pdf, ranges), length: pdf.length, signedRanges: ranges, ...(dccSha256 !== undefined ? { dccSha256 } : {}) };
  const text = canonicalJson(signManifest(manifest, key) satisfies SignatureBlock);
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length > end - start) throw new Error(`the signature block (${bytes.length} bytes) does not fit its space (${end - start})`);
  const out = Buffer.from(pdf);
  out.fill(SPACE, start, end);
  bytes.copy(out, start);
  return out;
}

/** Finds a sealed PDF's signature block and checks it against the bytes (signature.ts checkSealed). */
export function openPdf(bytes: Buffer, file: string): { block: SignatureBlock } {
  if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "not a PDF" });
  const start = bytes.indexOf(PDF_SIGNATURE_PREFIX, 0, "latin1");
  if (start < 0) {
    const unsigned = bytes.indexOf(PDF_SIGNATURE_MARKER, 0, "latin1") >= 0;
    throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: unsigned ? "the PDF was never signed" : "no telecal signature block" });
  }
  if (bytes.indexOf(PDF_SIGNATURE_PREFIX, start + 1, "latin1") >= 0) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "more than one signature block" });
  let end = start;
  while (end < bytes.length && bytes[end] !== 0x0a) end++;
  // Canonical JSON then spaces only: the space is outside the digest, so no other byte may be there.
  const text = bytes.subarray(start, end).toString("utf8").replace(/ +$/, "");
  const block = parseBlock(text, file);
  if (canonicalJson(block) !== text) throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: "the signature block was changed" });
  if (block.manifest.file !== "pdf") throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: `the signature is of a ${block.manifest.file} file, not of this PDF` });
  const ranges: [number, number][] = [
    [0, start],
    [end, Math.min(bytes.length, block.manifest.length)],
  ];
  checkSealed(bytes, block, ranges, file);
  return { block };
}
