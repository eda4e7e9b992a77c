import { TelecalError } from "@telecal/protocols";

const HASH = 0x23; // "#"
const ZERO = 0x30;
const NINE = 0x39;
const CR = 0x0d;
const LF = 0x0a;

export interface BlockContext {
  /** Instrument and command, named in every error. */
  instrument: string;
  command: string;
  /** The reply terminator: "\n", "\r\n" or "\r". */
  terminator: string;
  /** Largest block accepted; a header announcing more is corrupt. */
  maxLength?: number;
}

/** A whole block and the number of bytes it took, terminator included. */
export interface ParsedBlock {
  data: Buffer;
  consumed: number;
}

export const DEFAULT_MAX_BLOCK = 16 * 1024 * 1024;

function corrupt(bytes: Buffer, context: BlockContext, why: string): TelecalError {
  const seen = bytes.subarray(0, 40).toString("latin1");
  return new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
    instrument: context.instrument,
    command: context.command,
    reply: `${JSON.stringify(seen)}${bytes.length > 40 ? "..." : ""} (${why})`,
  });
}

/**
 * Length of the terminator at `at`, 0 if the bytes there are not one, or -1 if more bytes are needed
 * to tell. "\n" and "\r\n" stand for each other, as line replies accept both.
 */
function terminatorAt(bytes: Buffer, at: number, terminator: string): number {
  if (at >= bytes.length) return -1;
  const first = bytes[at];
  if (terminator === "\r") return first === CR ? 1 : 0;
  if (first === LF) return 1;
  if (first !== CR) return 0;
  if (at + 1 >= bytes.length) return -1;
  return bytes[at + 1] === LF ? 2 : 0;
}

/**
 * Parses one IEEE 488.2 arbitrary block response at the start of `bytes`: definite length
 * `#<n><len><bytes>` (read exactly `len` bytes, whatever they hold, then the terminator) or
 * indefinite length `#0<bytes>` (up to the terminator: on a byte stream there is no EOI, so the
 * first terminator ends it). Returns null while the block is incomplete; throws
 * TC_ERR_INSTRUMENT_REPLY for a reply that is not a block.
 */
export function parseBlock(bytes: Buffer, context: BlockContext): ParsedBlock | null {
  if (bytes.length === 0) return null;
  if (bytes[0] !== HASH) throw corrupt(bytes, context, "not a block: no #");
  if (bytes.length < 2) return null;
  const digits = bytes[1]! - ZERO;
  if (digits < 0 || digits > 9) throw corrupt(bytes, context, "bad block header digit count");
  if (digits === 0) return parseIndefinite(bytes, context);
  if (bytes.length < 2 + digits) {
    for (let i = 2; i < bytes.length; i++) checkDigit(bytes, i, context);
    return null;
  }
  let length = 0;
  for (let i = 2; i < 2 + digits; i++) length = length * 10 + checkDigit(bytes, i, context);
  if (length > (context.maxLength ?? DEFAULT_MAX_BLOCK)) {
    throw corrupt(bytes, context, `block of ${length} bytes is over the limit`);
  }
  const start = 2 + digits;
  const end = start + length;
  const term = terminatorAt(bytes, end, context.terminator);
  if (term < 0) return null;
  if (term === 0) throw corrupt(bytes, context, `${length}-byte block not followed by the terminator`);
  return { data: Buffer.from(bytes.subarray(start, end)), consumed: end + term };
}

function checkDigit(bytes: Buffer, at: number, context: BlockContext): number {
  const d = bytes[at]! - ZERO;
  if (d < 0 || d > NINE - ZERO) throw corrupt(bytes, context, "bad block length");
  return d;
}

function parseIndefinite(bytes: Buffer, context: BlockContext): ParsedBlock | null {
  const term = context.terminator === "\r" ? "\r" : "\n";
  const at = bytes.indexOf(term, 2, "latin1");
  if (at < 0) {
    if (bytes.length - 2 > (context.maxLength ?? DEFAULT_MAX_BLOCK)) {
      throw corrupt(bytes, context, "indefinite block over the limit");
    }
    return null;
  }
  // "\r\n" terminates a "\r\n" line; with "\n" alone a CR before it is data.
  const end = context.terminator === "\r\n" && at > 2 && bytes[at - 1] === CR ? at - 1 : at;
  return { data: Buffer.from(bytes.subarray(2, end)), consumed: at + 1 };
}

/** Encodes bytes as a definite-length block, as an instrument sends them. */
export function encodeBlock(data: Uint8Array): Buffer {
  const length = String(data.length);
  return Buffer.concat([Buffer.from(`#${length.length}${length}`, "latin1"), data]);
}
