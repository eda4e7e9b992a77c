import { type BlockContext, parseBlock } from "./ieee-block";

/**
 * Cuts an instrument's byte stream into replies, one at a time as the session asks: a line up to
 * the terminator, or an IEEE 488.2 binary block, whose bytes may equal the terminator and so must
 * never be cut at one. Bytes stay bytes until a reply is taken.
 */
export class ReplyFramer {
  private buffer: Buffer = Buffer.alloc(0);
  /** Lines thrown away because they grew past `maxLineLength` without a terminator. */
  overflows = 0;

  /** `terminator` is "\n", "\r" or "\r\n"; "\r\n" lines are cut at "\n" and lose their "\r". */
  constructor(
    private readonly terminator: string,
    private readonly maxLineLength = 65_536,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
  }

  get buffered(): number {
    return this.buffer.length;
  }

  /** The next line, without its terminator, or null until one has arrived. */
  takeLine(): string | null {
    const cut = this.terminator === "\r" ? "\r" : "\n";
    const at = this.buffer.indexOf(cut, 0, "latin1");
    if (at < 0) {
      if (this.buffer.length > this.maxLineLength) {
        this.buffer = Buffer.alloc(0);
        this.overflows++;
      }
      return null;
    }
    let line = this.buffer.toString("latin1", 0, at);
    this.buffer = this.buffer.subarray(at + 1);
    if (cut === "\n" && line.endsWith("\r")) line = line.slice(0, -1);
    return line;
  }

  /** The next binary block, or null until it is whole; a reply that is not a block throws. */
  takeBlock(context: Omit<BlockContext, "terminator">): Buffer | null {
    const parsed = parseBlock(this.buffer, { ...context, terminator: this.terminator });
    if (!parsed) return null;
    this.buffer = this.buffer.subarray(parsed.consumed);
    return parsed.data;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
  }
}
