import { EventEmitter } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";

/** One direction of one proxied connection: delays, drops or cuts what passes. */
type Item = { due: number; chunk: Buffer } | { due: number; end: "fin" | "reset" };

class Pipe {
  private readonly queue: Item[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly to: Socket,
    private readonly onReset: () => void,
  ) {}

  /** Queues a chunk, or the end of the stream, behind what is already queued. */
  put(item: { chunk: Buffer } | { end: "fin" | "reset" }, latencyMs: number): void {
    const last = this.queue[this.queue.length - 1]?.due ?? 0;
    const due = Math.max(Date.now() + latencyMs, last);
    if (latencyMs === 0 && this.queue.length === 0) return this.deliver({ due, ...item });
    this.queue.push({ due, ...item });
    this.pump();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue.length = 0;
  }

  private pump(): void {
    if (this.timer) return;
    const head = this.queue[0];
    if (!head) return;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        const now = Date.now();
        while (this.queue[0] && this.queue[0].due <= now) this.deliver(this.queue.shift()!);
        this.pump();
      },
      Math.max(0, head.due - Date.now()),
    );
  }

  private deliver(item: Item): void {
    if (this.to.destroyed) return;
    if ("chunk" in item) this.to.write(item.chunk);
    else if (item.end === "fin") this.to.end();
    else this.onReset();
  }
}

interface Link {
  client: Socket;
  upstream: Socket;
  toUpstream: Pipe;
  toClient: Pipe;
  /** Bytes this link may still carry before it is cut; null when no cut is armed. */
  budget: number | null;
}

export interface FaultProxyEvents {
  connection: [];
  cut: [bytes: number];
}

/**
 * A TCP proxy between agent and server that misbehaves on demand, like Toxiproxy: latency,
 * blackhole (connections accepted, nothing passes either way), reset of every connection, and a cut
 * after N bytes. Every fault can be switched at runtime.
 */
export class FaultProxy extends EventEmitter<FaultProxyEvents> {
  private readonly links = new Set<Link>();
  private latencyMs = 0;
  private holed = false;
  private cut: { bytes: number; once: boolean } | null = null;
  /** Bytes forwarded, both ways, all connections. */
  forwarded = 0;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    super();
  }

  /** Listens on a free loopback port and forwards to `target`. */
  static async start(target: { host: string; port: number }): Promise<FaultProxy> {
    let proxy: FaultProxy | null = null;
    const server = createServer((client) => proxy?.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address !== "object") throw new Error("fault proxy: no listening address");
    proxy = new FaultProxy(server, address.port);
    return proxy;
  }

  /** http://127.0.0.1:PORT, for a client that should go through the proxy. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return this.links.size;
  }

  /** Delays every chunk, both ways, by `ms` (order kept). */
  latency(ms: number): void {
    this.latencyMs = ms;
  }

  /** While on, connections are accepted and kept, but every byte either way is dropped. */
  blackhole(on: boolean): void {
    this.holed = on;
  }

  /** Resets every open connection (RST to both ends). */
  resetAll(): void {
    for (const link of [...this.links]) this.reset(link);
  }

  /**
   * Arms a cut: every connection open now, and each one opened while armed, is reset once it has
   * carried `bytes` more bytes (both ways together). With `once` the first cut disarms it; null
   * disarms.
   */
  cutAfter(bytes: number | null, options: { once?: boolean } = {}): void {
    this.cut = bytes === null ? null : { bytes, once: options.once ?? true };
    for (const link of this.links) link.budget = bytes;
  }

  async close(): Promise<void> {
    this.resetAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, target: { host: string; port: number }): void {
    this.accepted++;
    const upstream = connect(target.port, target.host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const link: Link = {
      client,
      upstream,
      budget: this.cut?.bytes ?? null,
      toUpstream: new Pipe(upstream, () => this.reset(link)),
      toClient: new Pipe(client, () => this.reset(link)),
    };
    this.links.add(link);
    const forward = (pipe: Pipe) => (chunk: Buffer) => {
      if (this.holed) return;
      if (link.budget !== null) {
        if (chunk.length >= link.budget) {
          const part = chunk.subarray(0, link.budget);
          const bytes = this.cut?.bytes ?? 0;
          link.budget = 0;
          if (this.cut?.once) this.cutAfter(null);
          this.forwarded += part.length;
          if (part.length > 0) pipe.put({ chunk: part }, this.latencyMs);
          // The reset travels behind the bytes that made it, then the link is gone.
          pipe.put({ end: "reset" }, this.latencyMs);
          this.emit("cut", bytes);
          return;
        }
        link.budget -= chunk.length;
      }
      this.forwarded += chunk.length;
      pipe.put({ chunk }, this.latencyMs);
    };
    client.on("data", forward(link.toUpstream));
    upstream.on("data", forward(link.toClient));
    const end = (pipe: Pipe) => () => {
      if (!this.holed) pipe.put({ end: "fin" }, this.latencyMs);
    };
    client.on("end", end(link.toUpstream));
    upstream.on("end", end(link.toClient));
    // An error or reset on one side resets the other; a clean close ends it after what is queued.
    const reset = () => this.reset(link);
    client.on("error", reset);
    upstream.on("error", reset);
    let closed = 0;
    const close = (other: Pipe) => (hadError: boolean) => {
      if (hadError) return reset();
      if (!this.holed) other.put({ end: "fin" }, this.latencyMs);
      if (++closed === 2) this.links.delete(link);
    };
    client.on("close", close(link.toUpstream));
    upstream.on("close", close(link.toClient));
    this.emit("connection");
  }

  private reset(link: Link): void {
    if (!this.links.delete(link)) return;
    link.toUpstream.clear();
    link.toClient.clear();
    for (const socket of [link.client, link.upstream]) {
      if (socket.destroyed) continue;
      // resetAndDestroy needs a connected socket; one still connecting is simply destroyed.
      if (socket.readyState === "open" || socket.readyState === "readOnly" || socket.readyState === "writeOnly") {
        socket.resetAndDestroy();
      } else socket.destroy();
    }
  }
}
