import { randomBytes } from "node:crypto";

/** Letters and digits that cannot be mistaken for one another when read aloud or off a slide. */
const ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
export const INVITE_CODE_LENGTH = 8;

/** A new invite code: 8 of 32 symbols (40 bits), enough that guessing one is hopeless at the rate limits. */
export function newInviteCode(): string {
  const bytes = randomBytes(INVITE_CODE_LENGTH);
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

/** A code as a person types it: any case, with spaces or dashes. */
export function normaliseInviteCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, "");
}
