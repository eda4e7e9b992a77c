import { z } from "zod";

/** The approvers' certificate keys as published, pinned and proven (docs/certificates.md, Signatures). */

export const SignerKey = z.strictObject({
  keyId: z.string(),
  algorithm: z.literal("Ed25519"),
  /** SubjectPublicKeyInfo DER, base64. */
  spki: z.string(),
});
export type SignerKey = z.infer<typeof SignerKey>;

/**
 * An approver's key as the issuing server publishes it (GET /.well-known/telecal-keys.json): a
 * retired key (rotated) still proves what it signed before; a revoked key proves nothing it signed
 * at or after `revokedAt`.
 */
export const PublishedSignerKey = z.strictObject({
  userId: z.string(),
  key: SignerKey,
  createdAt: z.number().int(),
  retiredAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
  revokedReason: z.string().nullable(),
});
export type PublishedSignerKey = z.infer<typeof PublishedSignerKey>;

/** GET /api/certificates/keys: the approvers' public keys, also a file `telecal cert verify --keys` reads. */
export const SignerKeysResponse = z.strictObject({ keys: z.array(PublishedSignerKey) });

/** GET /.well-known/telecal-keys.json: every key this server signs with, to pin for offline checks. */
export const WellKnownKeys = z.strictObject({
  format: z.literal("telecal-keys/v1"),
  /** The approvers' certificate keys, current, retired and revoked. */
  signers: z.array(PublishedSignerKey),
  /** The record log's checkpoint keys (Ed25519, the same SPKI layout). */
  recordLog: z.array(SignerKey.extend({ createdAt: z.number().int() })),
});
export type WellKnownKeys = z.infer<typeof WellKnownKeys>;

/**
 * A file `telecal cert verify --keys` pins: the well-known answer, or a saved GET
 * /api/certificates/keys answer (one saved before keys had a lifecycle holds no revokedAt).
 */
export const PinnedKeysFile = z.union([
  WellKnownKeys,
  z.object({ keys: z.array(z.object({ userId: z.string(), key: SignerKey, revokedAt: z.number().int().nullable().optional() })) }),
]);

/** Where a verifier found the signer's key: pinned (--keys), the issuing server, or the record store at hand. */
export const KeyProof = z.enum(["pinned", "server", "registry"]);
export type KeyProof = z.infer<typeof KeyProof>;
