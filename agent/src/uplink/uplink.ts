import {
  type AgentHello,
  type AgentToServerEvents,
  type BatchAck,
  type ClockStamp,
  type HelloAccepted,
  NAMESPACE,
  type ReadingBatch,
  type Reply,
  type ServerToAgentEvents,
} from "@telecal/protocols";
import { io, type Socket } from "socket.io-client";
import type { Logger } from "../log";
import { type BufferedReading, StreamBuffer } from "./stream-buffer";

export interface UplinkOptions {
  serverUrl: string;
  hello: () => AgentHello;
  log: Logger;
  flushIntervalMs?: number;
  maxBatch?: number;
  ackTimeoutMs?: number;
}

/** A batch whose newest reading is older than this is sent as history, not shown as live. */
const LIVE_WINDOW_MS = 2000;

/**
 * The agent's link to the server on /agent: hello, then reading batches with acks. At-least-once:
 * a batch stays buffered until the server acks its seq; after a reconnect, sending resumes from the
 * seq the server reports in its hello answer.
 */
export class Uplink {
  private readonly socket: Socket<ServerToAgentEvents, AgentToServerEvents>;
  private readonly streams = new Map<string, StreamBuffer>();
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private ready = false;
  private clock: ClockStamp = { offsetMs: 0, uncertaintyMs: 1000 };
  private readonly log: Logger;
  /** Last hello refusal, e.g. a protocol mismatch; the agent reports it and keeps trying. */
  lastRefusal: string | null = null;

  constructor(private readonly options: UplinkOptions) {
    this.log = options.log.child({ ns: "uplink" });
    this.socket = io(`${options.serverUrl}${NAMESPACE.agent}`, {
      autoConnect: false,
      transports: ["websocket"],
      reconnectionDelay: 500,
      reconnectionDelayMax: 10_000,
    });
    this.socket.on("connect", () => void this.sayHello());
    this.socket.on("disconnect", (reason) => {
      this.ready = false;
      this.inFlight.clear();
      this.log.warn({ reason }, "server link down");
    });
    this.socket.on("connect_error", (err) => this.log.debug({ err: err.message }, "connect failed"));
    this.socket.on("problem", (error) => this.log.warn({ error }, "server reported a problem"));
  }

  start(): void {
    this.socket.connect();
    this.timer = setInterval(() => this.flush(), this.options.flushIntervalMs ?? 200);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.socket.disconnect();
  }

  get connected(): boolean {
    return this.ready;
  }

  get clockStamp(): ClockStamp {
    return this.clock;
  }

  /** Server UTC now, as far as this agent knows it. */
  now(): number {
    return Date.now() + this.clock.offsetMs;
  }

  /** Announces the instruments again (after an identity was learnt). */
  rehello(): void {
    if (this.socket.connected) void this.sayHello();
  }

  push(instrumentId: string, streamId: string, unit: string, reading: BufferedReading): void {
    let buffer = this.streams.get(streamId);
    if (!buffer) {
      buffer = new StreamBuffer(instrumentId, streamId, unit);
      this.streams.set(streamId, buffer);
    }
    buffer.push(reading);
  }

  pendingCount(): number {
    let n = 0;
    for (const b of this.streams.values()) n += b.size;
    return n;
  }

  private async sayHello(): Promise<void> {
    const hello = this.options.hello();
    const t0 = Date.now();
    let reply: Reply<HelloAccepted>;
    try {
      reply = await this.socket.timeout(this.options.ackTimeoutMs ?? 10_000).emitWithAck("hello", hello);
    } catch {
      this.log.warn({}, "hello not answered; retrying on next connect");
      this.socket.disconnect().connect();
      return;
    }
    const t3 = Date.now();
    if (!reply.ok) {
      this.lastRefusal = `${reply.error.code}: ${reply.error.message}`;
      this.log.error({ error: reply.error }, "server refused hello");
      return;
    }
    this.lastRefusal = null;
    // One exchange, midpoint estimate; the NTP-style clock of issue 4 refines this.
    this.clock = { offsetMs: reply.serverTime - (t0 + t3) / 2, uncertaintyMs: (t3 - t0) / 2 };
    for (const [streamId, seq] of Object.entries(reply.acked)) this.streams.get(streamId)?.resumeAfter(seq);
    this.ready = true;
    this.log.info({ agentId: reply.agentId, offsetMs: this.clock.offsetMs }, "server accepted hello");
    this.flush();
  }

  private flush(): void {
    if (!this.ready) return;
    for (const buffer of this.streams.values()) {
      if (buffer.size > 0 && !this.inFlight.has(buffer.streamId)) void this.send(buffer);
    }
  }

  private async send(buffer: StreamBuffer): Promise<void> {
    const { firstSeq, readings } = buffer.peek(this.options.maxBatch ?? 1000);
    const last = readings[readings.length - 1];
    if (!last) return;
    const batch: ReadingBatch = {
      streamId: buffer.streamId,
      instrumentId: buffer.instrumentId,
      firstSeq,
      t: readings.map((r) => r.t),
      values: readings.map((r) => r.value),
      flags: readings.map((r) => r.flags),
      unit: buffer.unit,
      clock: this.clock,
      historical: this.now() - last.t > LIVE_WINDOW_MS,
    };
    this.inFlight.add(buffer.streamId);
    try {
      const reply: Reply<BatchAck> = await this.socket
        .timeout(this.options.ackTimeoutMs ?? 10_000)
        .emitWithAck("readings", batch);
      if (reply.ok) buffer.ack(reply.ackedSeq);
      else this.log.error({ error: reply.error, streamId: buffer.streamId }, "batch refused");
    } catch {
      this.log.warn({ streamId: buffer.streamId, firstSeq }, "batch not acknowledged in time; will resend");
    } finally {
      this.inFlight.delete(buffer.streamId);
    }
  }
}
