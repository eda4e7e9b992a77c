import { resolve } from "node:path";
import { appendRecord, databaseUrlFor, recordsDb, SignerKeys, Store } from "@telecal/server";
import type { Command } from "commander";

interface StoreOptions {
  dataDir: string;
  database?: string;
}

/** Opens the server's store and its signer keys (the private keys live in DIR/signers/). */
async function withKeys<T>(opts: StoreOptions, run: (keys: SignerKeys, store: Store) => Promise<T>): Promise<T> {
  const dataDir = resolve(opts.dataDir);
  const store = await Store.open(databaseUrlFor({ dataDir, databaseUrl: opts.database ?? (process.env["DATABASE_URL"] || undefined) }));
  try {
    return await run(new SignerKeys(store.db, dataDir), store);
  } finally {
    await store.close();
  }
}

const when = (t: number | null) => (t === null ? "-" : new Date(t).toISOString());

function storeOptions(c: Command): Command {
  return c.option("--data-dir <dir>", "the server's data dir (telecal.db and signers/)", "./data").option("--database <url>", "postgres://... instead (default: DATABASE_URL); the keys stay in --data-dir");
}

/**
 * `telecal cert key list | rotate USER | revoke KEY --reason R`: the lab admin's hands on the
 * approvers' keys, on the server's own store (the same as POST /api/certificates/keys/...). A
 * running server picks the change up at its next signature.
 */
export function certKeyCommand(cert: Command): void {
  const key = cert.command("key").description("approvers' signing keys: list, rotate, revoke / 签名密钥管理");
  storeOptions(key.command("list").description("every approver key: current, retired, revoked")).action(async (opts: StoreOptions) => {
    await withKeys(opts, async (keys) => {
      for (const k of await keys.all()) {
        const state = k.revokedAt !== null ? `revoked ${when(k.revokedAt)}: ${k.revokedReason ?? ""}` : k.retiredAt !== null ? `retired ${when(k.retiredAt)}` : "current";
        process.stdout.write(`${k.key.keyId}  ${k.userId}  created ${when(k.createdAt)}  ${state}\n`);
      }
    });
  });
  storeOptions(key.command("rotate <userId>").description("retire the user's key and make a new one; what the old one signed stays genuine")).action(async (userId: string, opts: StoreOptions) => {
    await withKeys(opts, async (keys, store) => {
      const r = await keys.rotate(userId);
      await appendRecord(recordsDb(store.db), store.dialect, { kind: "certificate", stream: `signer-key/${userId}`, actor: "cli", payload: { event: "key-rotated", userId, retired: r.retired, current: r.current.key } });
      process.stdout.write(`key ${r.retired} of ${userId} retired; new key ${r.current.key.keyId}\n`);
    });
  });
  storeOptions(key.command("revoke <keyId>").description("revoke a key: what it signs from now on is rejected; earlier certificates say when it was revoked"))
    .requiredOption("--reason <text>", "why (lost, stolen, person left)")
    .action(async (keyId: string, opts: StoreOptions & { reason: string }) => {
      await withKeys(opts, async (keys, store) => {
        const k = await keys.revoke(keyId, opts.reason);
        await appendRecord(recordsDb(store.db), store.dialect, { kind: "certificate", stream: `signer-key/${k.userId}`, actor: "cli", payload: { event: "key-revoked", userId: k.userId, keyId, reason: opts.reason } });
        process.stdout.write(`key ${keyId} of ${k.userId} revoked at ${when(k.revokedAt)}\n`);
      });
    });
}
