import { createHash, sign, verify } from "node:crypto";
import { canonicalJson, type SignatureBlock, SignatureBlock as SignatureBlockSchema, type SignatureManifest, TelecalError } from "@telecal/protocols";
import { publicKeyFromSpki, type SigningKey } from "../records/keys";

/** Domain tag before the manifest's canonical JSON: a certificate signature never verifies as anything else. */
const DOMAIN = "telecal/certificate/v1\n";

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** SHA-256 over the bytes of `file` in `ranges`, in order: the signed content of a sealed file. */
export function digestOfRanges(file: Uint8Array, ranges: readonly (readonly [number, number])[]): string {
  const h = createHash("sha256");
  for (const [start, end] of ranges) h.update(file.subarray(start, end));
  return h.digest("hex");
}

export function signManifest(manifest: SignatureManifest, key: SigningKey): SignatureBlock {
  const signature = sign(null, Buffer.from(DOMAIN + canonicalJson(manifest), "utf8"), key.privateKey).toString("base64");
  return { manifest, signature };
}

/** Throws TC_ERR_CERT_SIGNATURE unless the block's signature verifies with the key the manifest names. */
export function verifyBlockSignature(block: SignatureBlock, file: string): void {
  const { signer } = block.manifest;
  const fail = () => new TelecalError("TC_ERR_CERT_SIGNATURE", { file, signer: signer.name, keyId: signer.key.keyId });
  let ok: boolean;
  try {
    ok = verify(null, Buffer.from(DOMAIN + canonicalJson(block.manifest), "utf8"), publicKeyFromSpki(signer.key.spki), Buffer.from(block.signature, "base64"));
  } catch {
    throw fail();
  }
  if (!ok) throw fail();
}

/** The signature block's JSON text, checked against its schema: TC_ERR_CERT_FORMAT when it is not one. */
export function parseBlock(text: string, file: string): SignatureBlock {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "the signature block is not JSON" });
  }
  const parsed = SignatureBlockSchema.safeParse(json);
  if (!parsed.success) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: `the signature block is malformed: ${parsed.error.issues[0]?.message ?? "invalid"}` });
  return parsed.data;
}

/**
 * The checks every sealed file shares: nothing after the signed length, the ranges found are the
 * ranges signed, their digest is the signed digest, and the signature verifies.
 */
export function checkSealed(fileBytes: Uint8Array, block: SignatureBlock, ranges: [number, number][], file: string): void {
  const m = block.manifest;
  if (fileBytes.length > m.length) throw new TelecalError("TC_ERR_CERT_APPENDED", { file, bytes: fileBytes.length - m.length });
  if (fileBytes.length < m.length) throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: `the file is ${m.length - fileBytes.length} bytes shorter than signed` });
  if (JSON.stringify(ranges) !== JSON.stringify(m.signedRanges)) {
    throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: "the signature block is not where it was signed (moved to other content?)" });
  }
  if (digestOfRanges(fileBytes, ranges) !== m.sha256) throw new TelecalError("TC_ERR_CERT_DIGEST", { file, reason: "SHA-256 of the signed bytes differs" });
  verifyBlockSignature(block, file);
}
