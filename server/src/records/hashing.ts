import { createHash } from "node:crypto";

/** The prev hash of the first record of a stream. */
export const GENESIS_HASH = "0".repeat(64);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Length-prefixed fields after a domain tag, so that no two different field lists (or the same
 * fields under another tag) ever give the same bytes: strings as u32 length + UTF-8, integers as u64.
 */
function fields(tag: string, values: readonly (string | number)[]): Buffer {
  const parts: Buffer[] = [];
  for (const v of [tag, ...values]) {
    if (typeof v === "number") {
      const b = Buffer.alloc(8);
      b.writeBigUInt64BE(BigInt(v));
      parts.push(b);
    } else {
      const s = Buffer.from(v, "utf8");
      const len = Buffer.alloc(4);
      len.writeUInt32BE(s.length);
      parts.push(len, s);
    }
  }
  return Buffer.concat(parts);
}

export interface ChainFields {
  stream: string;
  seq: number;
  kind: string;
  payloadHash: string;
  prevHash: string;
}

/** A record's link in its stream's hash chain. */
export function chainHash(r: ChainFields): string {
  return sha256Hex(fields("telecal/record/v1", [r.stream, r.seq, r.kind, r.payloadHash, r.prevHash]));
}

export interface LeafFields {
  id: number;
  hash: string;
  createdAt: number;
  actor: string;
}

/**
 * The Merkle leaf data of a record: its place in the log, its chain hash (which covers stream, seq,
 * kind and payload), and when and by whom it was appended.
 */
export function leafData(r: LeafFields): Buffer {
  return fields("telecal/leaf/v1", [r.id, r.hash, r.createdAt, r.actor]);
}
