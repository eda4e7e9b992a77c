import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type RecordsPublicKey, TelecalError } from "@telecal/protocols";

/** The file name of the server's signing key in its data dir. */
export const RECORDS_KEY_FILE = "records-key.pem";

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: RecordsPublicKey;
}

/** The key id: the first 8 bytes of SHA-256 over the SPKI DER, hex. */
export function keyIdOf(spki: Buffer): string {
  return createHash("sha256").update(spki).digest("hex").slice(0, 16);
}

export function describePublicKey(publicKey: KeyObject): RecordsPublicKey {
  const spki = publicKey.export({ type: "spki", format: "der" });
  return { keyId: keyIdOf(spki), algorithm: "Ed25519", spki: spki.toString("base64") };
}

export function publicKeyFromSpki(spkiBase64: string): KeyObject {
  return createPublicKey({ key: Buffer.from(spkiBase64, "base64"), format: "der", type: "spki" });
}

function fromPrivate(privateKey: KeyObject): SigningKey {
  return { privateKey, publicKey: describePublicKey(createPublicKey(privateKey)) };
}

/** A key that lives as long as the process: for servers with neither data dir nor key path (tests). */
export function ephemeralSigningKey(): SigningKey {
  return fromPrivate(generateKeyPairSync("ed25519").privateKey);
}

/** Reads the Ed25519 key (PKCS#8 PEM) at `path`; creates it, mode 0600, if there is none. */
export function loadOrCreateSigningKey(path: string): SigningKey {
  let pem: string | undefined;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw keyError(path, err);
  }
  try {
    if (pem === undefined) {
      const { privateKey } = generateKeyPairSync("ed25519");
      // A folder made for the key (outside the data dir, say) is the owner's alone.
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      // "wx": a key written by another process in the meantime is never overwritten.
      writeFileSync(path, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600, flag: "wx" });
      return fromPrivate(privateKey);
    }
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== "ed25519") throw new Error(`a ${privateKey.asymmetricKeyType} key, not Ed25519`);
    return fromPrivate(privateKey);
  } catch (err) {
    throw keyError(path, err);
  }
}

/** True when others than the owner may read or write the key file (mode beyond 0600). */
export function keyFileIsOpen(path: string): boolean {
  try {
    return (statSync(path).mode & 0o077) !== 0;
  } catch {
    return false;
  }
}

/** The public half of the key file at `path`, for `telecal verify --key`. */
export function readPublicKey(path: string): RecordsPublicKey {
  try {
    const text = readFileSync(path, "utf8");
    const key = text.includes("PRIVATE KEY") ? createPublicKey(createPrivateKey(text)) : createPublicKey(text);
    return describePublicKey(key);
  } catch (err) {
    throw keyError(path, err);
  }
}

function keyError(path: string, err: unknown): TelecalError {
  return new TelecalError("TC_ERR_RECORDS_KEY", { path, reason: err instanceof Error ? err.message : String(err) }, { cause: err });
}
