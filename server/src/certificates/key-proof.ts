import { type KeyProof, type SignatureManifest, type SignerKey, TelecalError } from "@telecal/protocols";

/** A key a verifier trusts: pinned from a file, or registered on the issuing server. */
export interface TrustedKey {
  key: SignerKey;
  /** Whose key it is, when known (a bare PEM says nothing of its holder). */
  userId?: string;
  revokedAt?: number | null;
}

export interface ProvenKey {
  keyId: string;
  proof: KeyProof;
  /** When the key was revoked, after this file was signed; null when it is not. */
  revokedAt: number | null;
}

/**
 * The signer's key is proven only when it is among `trusted`, belongs to the person the manifest
 * names, and was not revoked when the file says it was signed (`signedAt`, the issuing server's own
 * time of issue when it is at hand: a thief's back-dated manifest cannot beat that).
 */
export function proveSignerKey(manifest: SignatureManifest, trusted: readonly TrustedKey[], proof: KeyProof, file: string, signedAt = manifest.issuedAt): ProvenKey {
  const { signer } = manifest;
  const found = trusted.find((t) => t.key.keyId === signer.key.keyId && t.key.spki === signer.key.spki);
  if (!found || (found.userId !== undefined && found.userId !== signer.id)) {
    throw new TelecalError("TC_ERR_CERT_UNTRUSTED_KEY", { file, keyId: signer.key.keyId, signer: signer.name });
  }
  const revokedAt = found.revokedAt ?? null;
  if (revokedAt !== null && Math.max(signedAt, manifest.issuedAt) >= revokedAt) {
    throw new TelecalError("TC_ERR_CERT_KEY_REVOKED", { file, keyId: signer.key.keyId, signer: signer.name, revokedAt: new Date(revokedAt).toISOString(), signedAt: new Date(signedAt).toISOString() });
  }
  return { keyId: signer.key.keyId, proof, revokedAt };
}
