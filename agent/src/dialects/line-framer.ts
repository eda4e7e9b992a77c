/**
 * Splits a byte stream into lines at a terminator ("\n", "\r\n", "\r"). A chunk may carry several
 * lines or part of one. A line longer than `maxLength` is cut and reported, so a stream of garbage
 * without terminators cannot grow memory without bound.
 */
export class LineFramer {
  private buffer = "";

  constructor(
    private readonly terminator: string,
    private readonly maxLength = 65_536,
  ) {}

  push(chunk: Buffer | string): { lines: string[]; overflow: boolean } {
    this.buffer += typeof chunk === "string" ? chunk : chunk.toString("latin1");
    const lines: string[] = [];
    let index = this.buffer.indexOf(this.terminator);
    while (index >= 0) {
      lines.push(this.buffer.slice(0, index));
      this.buffer = this.buffer.slice(index + this.terminator.length);
      index = this.buffer.indexOf(this.terminator);
    }
    let overflow = false;
    if (this.buffer.length > this.maxLength) {
      this.buffer = "";
      overflow = true;
    }
    return { lines, overflow };
  }

  reset(): void {
    this.buffer = "";
  }
}
