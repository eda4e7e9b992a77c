import { EventEmitter } from "node:events";
import { Socket } from "node:net";
import { backoffDelay, CLOSED_BY_AGENT, type Transport } from "./transport";

export interface TcpOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  /** TCP keepalive probes detect a pulled cable on an idle link. */
  keepAliveMs?: number;
}

/** A raw socket to an instrument (LXI raw port 5025, Fluke 884xA 3490, Druck PACE 5025...). */
export class TcpTransport extends EventEmitter implements Transport {
  readonly target: string;
  private socket: Socket | null = null;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = false;
  private up = false;

  constructor(private readonly options: TcpOptions) {
    super();
    this.target = `tcp://${options.host}:${options.port}`;
  }

  get isUp(): boolean {
    return this.up;
  }

  open(): void {
    this.closing = false;
    this.connect();
  }

  write(data: string | Uint8Array): void {
    if (!this.socket || !this.up) throw new Error(`${this.target} is not connected`);
    this.socket.write(data);
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    const socket = this.socket;
    this.socket = null;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once("close", () => resolve());
        socket.destroy();
      });
    }
    this.setDown(CLOSED_BY_AGENT);
  }

  private connect(): void {
    const socket = new Socket();
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setTimeout(this.options.connectTimeoutMs ?? 5000);
    socket.once("timeout", () => socket.destroy(new Error("connect timed out")));
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.setKeepAlive(true, this.options.keepAliveMs ?? 5000);
      this.attempt = 0;
      this.up = true;
      this.emit("up");
    });
    socket.on("data", (chunk: Buffer) => this.emit("data", chunk));
    socket.once("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.setDown("connection closed");
      if (!this.closing) this.scheduleReconnect();
    });
    socket.on("error", (err) => {
      this.lastError = err.message;
    });
    socket.connect(this.options.port, this.options.host);
  }

  private lastError = "";

  private setDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    this.emit("down", this.lastError || reason);
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closing) this.connect();
    }, delay);
  }
}
