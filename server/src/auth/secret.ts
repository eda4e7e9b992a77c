import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A random bearer secret (session token, enrolment token, agent credential): 256 bits, base64url. */
export function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps of a secret: its SHA-256 (the secrets are random, so no salt is needed). */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret).digest("base64url");
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
