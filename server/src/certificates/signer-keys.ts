import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type PublishedSignerKey, TelecalError } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { ephemeralSigningKey, loadOrCreateSigningKey, readPublicKey, type SigningKey } from "../records/keys";
import type { Schema } from "../store/schema";
import type { CertificateSignerKeysTable } from "./schema";

export function publishedKeyOf(r: CertificateSignerKeysTable): PublishedSignerKey {
  return {
    userId: r.user_id,
    key: { keyId: r.key_id, algorithm: "Ed25519", spki: r.spki },
    createdAt: Number(r.created_at),
    retiredAt: r.retired_at == null ? null : Number(r.retired_at),
    revokedAt: r.revoked_at == null ? null : Number(r.revoked_at),
    revokedReason: r.revoked_reason ?? null,
  };
}

/**
 * One Ed25519 key per approver (批准人), held by the server for that person: a PKCS#8 file
 * `signers/<user id>.pem` in the data dir (mode 0600), or a key for this process only when there is
 * no data dir (tests). Each public key is registered in certificate_signer_keys, which is what
 * verification trusts. Rotating retires the key (it signs nothing more; its file is deleted) and
 * makes a new one; revoking also makes it prove nothing signed from then on.
 */
export class SignerKeys {
  private readonly keys = new Map<string, SigningKey>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dir: string | undefined,
  ) {}

  private fileOf(userId: string): string | undefined {
    return this.dir ? join(this.dir, "signers", `${userId.replace(/[^A-Za-z0-9_-]/g, "_")}.pem`) : undefined;
  }

  private row(keyId: string) {
    return this.db.selectFrom("certificate_signer_keys").selectAll().where("key_id", "=", keyId).executeTakeFirst();
  }

  /** The user's current key, registered; a retired or revoked one (rotated elsewhere, e.g. by the CLI) is never used again. */
  async keyFor(userId: string, now = Date.now()): Promise<SigningKey> {
    const file = this.fileOf(userId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const key = this.keys.get(userId) ?? (file ? loadOrCreateSigningKey(file) : ephemeralSigningKey());
      this.keys.set(userId, key);
      const known = await this.row(key.publicKey.keyId);
      if (!known) {
        await this.db
          .insertInto("certificate_signer_keys")
          .values({ key_id: key.publicKey.keyId, user_id: userId, spki: key.publicKey.spki, created_at: now, retired_at: null, revoked_at: null, revoked_reason: null })
          .onConflict((oc) => oc.column("key_id").doNothing())
          .execute();
        return key;
      }
      if (known.user_id === userId && known.retired_at === null && known.revoked_at === null) return key;
      // Out of use: forget it; a second look at the file may find the key that replaced it.
      this.keys.delete(userId);
      if (attempt > 0 && file) rmSync(file, { force: true });
    }
    throw new TelecalError("TC_ERR_STORE_FAILED", { what: `a signing key for ${userId}` });
  }

  /** Retires the user's current key and makes a new one; returns both. */
  async rotate(userId: string, now = Date.now()): Promise<{ retired: string; current: PublishedSignerKey }> {
    const old = await this.keyFor(userId, now);
    await this.db.updateTable("certificate_signer_keys").set({ retired_at: now }).where("key_id", "=", old.publicKey.keyId).where("retired_at", "is", null).execute();
    this.keys.delete(userId);
    const file = this.fileOf(userId);
    if (file) rmSync(file, { force: true });
    const key = await this.keyFor(userId, now);
    return { retired: old.publicKey.keyId, current: publishedKeyOf((await this.row(key.publicKey.keyId))!) };
  }

  /** Revokes a key: nothing it signs from `now` on is genuine; the user's next certificate gets a new key. */
  async revoke(keyId: string, reason: string, now = Date.now()): Promise<PublishedSignerKey> {
    const row = await this.row(keyId);
    if (!row) throw new TelecalError("TC_ERR_SIGNER_KEY_NOT_FOUND", { keyId });
    if (row.revoked_at === null) {
      await this.db
        .updateTable("certificate_signer_keys")
        .set({ revoked_at: now, revoked_reason: reason, retired_at: row.retired_at ?? now })
        .where("key_id", "=", keyId)
        .execute();
    }
    if (this.keys.get(row.user_id)?.publicKey.keyId === keyId) this.keys.delete(row.user_id);
    // The private key is of no more use to anyone but a thief.
    const file = this.fileOf(row.user_id);
    if (file && existsSync(file) && readPublicKey(file).keyId === keyId) rmSync(file, { force: true });
    return publishedKeyOf((await this.row(keyId))!);
  }

  /** The key with this id as registered, whoever holds it. */
  async lookup(keyId: string): Promise<PublishedSignerKey | undefined> {
    const row = await this.row(keyId);
    return row && publishedKeyOf(row);
  }

  /** Every approver key ever registered, current, retired and revoked: what an offline verifier may pin. */
  async all(): Promise<PublishedSignerKey[]> {
    const rows = await this.db.selectFrom("certificate_signer_keys").selectAll().orderBy("created_at").orderBy("key_id").execute();
    return rows.map(publishedKeyOf);
  }
}
