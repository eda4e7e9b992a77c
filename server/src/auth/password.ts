import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from "node:crypto";

/** log2 of scrypt's N for new hashes: OWASP's 2^17 unless TELECAL_SCRYPT_LOG_N says otherwise. */
const DEFAULT_LOG_N = 17;

/**
 * scrypt parameters for new hashes (OWASP: N = 2^17, r = 8, p = 1), stored with each hash, so older
 * ones still verify. TELECAL_SCRYPT_LOG_N (14-20) trades sign-in time for strength on slow hardware
 * (2^17 takes about 0.7 s of a core here); a hash below the setting is rehashed at the next sign-in.
 */
function params(): { N: number; r: number; p: number } {
  const raw = process.env["TELECAL_SCRYPT_LOG_N"];
  const logN = raw === undefined || raw === "" ? DEFAULT_LOG_N : Number(raw);
  if (!Number.isInteger(logN) || logN < 14 || logN > 20) throw new Error(`TELECAL_SCRYPT_LOG_N must be an integer from 14 to 20, not ${raw}`);
  return { N: 2 ** logN, r: 8, p: 1 };
}
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, length, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash`, salt and hash base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = params();
  const key = await derive(password, salt, { N, r, p }, KEY_LENGTH);
  return ["scrypt", N, r, p, salt.toString("base64"), key.toString("base64")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, "base64");
  const key = await derive(password, Buffer.from(salt, "base64"), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return timingSafeEqual(key, expected);
}

/** True when a stored hash was made with weaker parameters than new ones get: rehash it at the next sign-in. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split("$");
  const now = params();
  return scheme !== "scrypt" || Number(n) < now.N || Number(r) < now.r || Number(p) < now.p;
}

/** A hash to compare against when the user does not exist, so that timing does not tell. */
export function dummyHash(): string {
  const { N, r, p } = params();
  return `scrypt$${N}$${r}$${p}$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=`;
}
