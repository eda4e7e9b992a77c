import { join } from "node:path";
import type { SignerKey } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { ephemeralSigningKey, loadOrCreateSigningKey, type SigningKey } from "../records/keys";
import type { Schema } from "../store/schema";

/**
 * One Ed25519 key per approver (批准人), held by the server for that person: a PKCS#8 file
 * `signers/<user id>.pem` in the data dir (mode 0600), or a key for this process only when there is
 * no data dir (tests). Each public key is registered in certificate_signer_keys, which is what
 * verification trusts.
 */
export class SignerKeys {
  private readonly keys = new Map<string, SigningKey>();

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly dir: string | undefined,
  ) {}

  async keyFor(userId: string, now = Date.now()): Promise<SigningKey> {
    let key = this.keys.get(userId);
    if (!key) {
      key = this.dir ? loadOrCreateSigningKey(join(this.dir, "signers", `${userId.replace(/[^A-Za-z0-9_-]/g, "_")}.pem`)) : ephemeralSigningKey();
      this.keys.set(userId, key);
    }
    const known = await this.db.selectFrom("certificate_signer_keys").select("user_id").where("key_id", "=", key.publicKey.keyId).executeTakeFirst();
    if (!known) {
      await this.db
        .insertInto("certificate_signer_keys")
        .values({ key_id: key.publicKey.keyId, user_id: userId, spki: key.publicKey.spki, created_at: now })
        .onConflict((oc) => oc.column("key_id").doNothing())
        .execute();
    }
    return key;
  }

  /** Whether `key` is registered as a signing key of `userId`. */
  async isKeyOf(userId: string, key: SignerKey): Promise<boolean> {
    const row = await this.db.selectFrom("certificate_signer_keys").select(["user_id", "spki"]).where("key_id", "=", key.keyId).executeTakeFirst();
    return row !== undefined && row.user_id === userId && row.spki === key.spki;
  }

  /** The published keys of every approver: what an offline verifier may pin. */
  async all(): Promise<{ userId: string; key: SignerKey }[]> {
    const rows = await this.db.selectFrom("certificate_signer_keys").selectAll().orderBy("created_at").execute();
    return rows.map((r) => ({ userId: r.user_id, key: { keyId: r.key_id, algorithm: "Ed25519" as const, spki: r.spki } }));
  }
}
