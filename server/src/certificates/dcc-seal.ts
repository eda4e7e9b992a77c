import { canonicalJson, type SignatureBlock, type SignatureManifest, TelecalError } from "@telecal/protocols";
import type { SigningKey } from "../records/keys";
import { DCC_END_TAG } from "./dcc";
import { checkSealed, parseBlock, sha256Hex, signManifest } from "./signature";

const OPEN = "<dcc:document>";
const CLOSE = "</dcc:document>\n";
/** The signature block's file name inside dcc:document, and its media type. */
export const SIGNATURE_FILE = "telecal-signature.json";
const MIME = "application/vnd.telecal.certificate-signature+json";

export type ManifestBase = Omit<SignatureManifest, "file" | "sha256" | "length" | "signedRanges" | "dccSha256">;

function blockXml(block: SignatureBlock): string {
  const b64 = Buffer.from(canonicalJson(block), "utf8").toString("base64");
  return (
    `  ${OPEN}\n    <dcc:name><dcc:content lang="zh">证书签名</dcc:content><dcc:content lang="en">Certificate signature</dcc:content></dcc:name>\n` +
    `    <dcc:fileName>${SIGNATURE_FILE}</dcc:fileName>\n    <dcc:mimeType>${MIME}</dcc:mimeType>\n    <dcc:dataBase64>${b64}</dcc:dataBase64>\n  ${CLOSE}`
  );
}

/**
 * Signs the DCC: the digest covers the unsigned document exactly (every byte but the signature block,
 * which goes before the root's end tag), and the manifest states the whole file's length.
 */
export function sealDcc(unsigned: string, base: ManifestBase, key: SigningKey): Buffer {
  if (!unsigned.endsWith(DCC_END_TAG)) throw new Error("renderDcc output must end with the root end tag");
  const head = Buffer.from(unsigned.slice(0, unsigned.length - DCC_END_TAG.length), "utf8");
  const tail = Buffer.from(DCC_END_TAG, "utf8");
  const sha256 = sha256Hex(Buffer.concat([head, tail]));
  // The length is inside what it measures: settle it by iteration (its digits change at most twice).
  let length = head.length + tail.length;
  for (let i = 0; i < 5; i++) {
    const blockLength = length - head.length - tail.length;
    const ranges: [number, number][] = [
      [0, head.length],
      [head.length + blockLength, length],
    ];
    const manifest: SignatureManifest = { ...base, file: "dcc", sha256, length, signedRanges: ranges };
    const block = Buffer.from(blockXml(signManifest(manifest, key)), "utf8");
    const total = head.length + block.length + tail.length;
    if (total === length) return Buffer.concat([head, block, tail]);
    length = total;
  }
  throw new Error("the DCC signature block did not settle");
}

function indexOnce(bytes: Buffer, needle: string, file: string): number {
  const first = bytes.indexOf(needle, 0, "utf8");
  if (first < 0) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: `no ${needle.trim()}: the DCC is not signed` });
  if (bytes.indexOf(needle, first + 1, "utf8") >= 0) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: `more than one ${needle.trim()}` });
  return first;
}

/** Finds the signature block of a sealed DCC and checks it against the bytes (signature.ts checkSealed). */
export function openDcc(bytes: Buffer, file: string): { block: SignatureBlock; unsigned: Buffer } {
  const open = indexOnce(bytes, OPEN, file);
  const close = indexOnce(bytes, CLOSE, file);
  // The block starts at the beginning of its line (two spaces of indentation before OPEN).
  const start = bytes.lastIndexOf("\n", open) + 1;
  const end = close + CLOSE.length;
  if (end <= open || bytes.subarray(start, open).toString("utf8") !== "  ") throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "the signature block is malformed" });
  const inner = bytes.subarray(open, end).toString("utf8");
  const b64 = /<dcc:dataBase64>([A-Za-z0-9+/=]+)<\/dcc:dataBase64>/.exec(inner)?.[1];
  if (b64 === undefined) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "the signature block has no dataBase64" });
  const block = parseBlock(Buffer.from(b64, "base64").toString("utf8"), file);
  // The block's own bytes are outside the digest: they must be exactly what the seal writes for it.
  if (blockXml(block) !== bytes.subarray(start, end).toString("utf8")) throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: "the signature block was changed" });
  if (block.manifest.file !== "dcc") throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: `the signature is of a ${block.manifest.file} file, not of this DCC` });
  const length = Math.max(bytes.length, block.manifest.length);
  const ranges: [number, number][] = [
    [0, start],
    [end, Math.min(length, block.manifest.length)],
  ];
  checkSealed(bytes, block, ranges, file);
  return { block, unsigned: Buffer.concat([bytes.subarray(0, start), bytes.subarray(end, block.manifest.length)]) };
}
