import {
  type AgentHello,
  type AgentJob,
  type JobEventReport,
  TelecalError,
  type AgentToServerEvents,
  CLOCK_INSTRUMENT_ID,
  CLOCK_STREAM_ID,
  type ClockStamp,
  type HelloAccepted,
  NAMESPACE,
  ReadingFlag,
  type Reply,
  type ServerToAgentEvents,
} from "@telecal/protocols";
import type { KeyObject } from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { Logger } from "../log";
import { ask } from "./ask";
import { BatchSender } from "./batch-sender";
import { CheckpointKeeper } from "./checkpoint-keeper";
import { fetchLogKeys } from "./log-keys";
import { agentNow, ClockSync } from "./clock-sync";
import { GapReporter } from "./gap-reporter";
import { LiveTicks } from "./live-ticks";
import type { Outbox, OutboxReading } from "./outbox";

/** Timings of the link; the defaults suit a slow county line, tests shorten them. */
export interface UplinkTuning {
  flushIntervalMs?: number;
  maxBatch?: number;
  /** A hello or batch not answered within this is taken as a dead link: reconnect. */
  ackTimeoutMs?: number;
  /** A connection attempt that has not completed within this is given up and retried. */
  connectTimeoutMs?: number;
  reconnectionDelayMs?: number;
  reconnectionDelayMaxMs?: number;
  /** Time between clock measurements (default 60 s). */
  clockIntervalMs?: number;
  /** Least time between two asks for the record log's checkpoint (default 60 s). */
  checkpointAskMs?: number;
}

export interface UplinkOptions extends UplinkTuning {
  serverUrl: string;
  hello: () => AgentHello;
  log: Logger;
  /** Where readings wait for the server's ack; the uplink sends only what it holds. */
  outbox: Outbox;
  /** The enrolled agent's socket.io `auth` payload; the server refuses /agent without it. */
  auth?: { agentId: string; credential: string };
  /** The agent's Ed25519 device key: each batch is signed with it. Without one, batches go unsigned. */
  deviceKey?: KeyObject;
  /** Where the latest checkpoint covering this agent's batches is kept (checkpoint-keeper.ts); none: not kept. */
  checkpointFile?: string;
}

/**
 * The agent's link to the server on /agent: hello, then reading batches with acks. At-least-once:
 * a reading stays in the outbox until the server acks its seq; after a reconnect, sending resumes
 * from the seq the server reports in its hello answer. One batch per stream is in flight at a time.
 */
export class Uplink {
  private readonly socket: Socket<ServerToAgentEvents, AgentToServerEvents>;
  private readonly outbox: Outbox;
  /** Counts connections, so that a hello answer from an earlier one is not taken for the current. */
  private connection = 0;
  /** Reading batches and their acks (batch-sender.ts). */
  private readonly batches: BatchSender;
  private readonly gaps: GapReporter;
  private timer: NodeJS.Timeout | null = null;
  private ready = false;
  private stopped = false;
  readonly clock: ClockSync;
  private readonly log: Logger;
  private readonly linkLost: ((reason: string) => void)[] = [];
  private nextSeqHello = 0;
  /** Last hello refusal, e.g. a protocol mismatch; the agent reports it and keeps trying. */
  lastRefusal: string | null = null;
  /** The live path: one message per tick (live-ticks.ts). */
  readonly live: LiveTicks;
  /** The record log's checkpoint kept outside the lab server; null without a checkpoint file. */
  readonly checkpoints: CheckpointKeeper | null;

  constructor(private readonly options: UplinkOptions) {
    this.log = options.log.child({ ns: "uplink" });
    this.outbox = options.outbox;
    this.socket = io(`${options.serverUrl}${NAMESPACE.agent}`, {
      autoConnect: false,
      auth: options.auth,
      transports: ["websocket"],
      reconnectionDelay: options.reconnectionDelayMs ?? 500,
      reconnectionDelayMax: options.reconnectionDelayMaxMs ?? 10_000,
      timeout: options.connectTimeoutMs ?? 20_000,
    });
    this.checkpoints = options.checkpointFile
      ? new CheckpointKeeper({
          file: options.checkpointFile,
          agentId: options.auth?.agentId ?? options.hello().agentId,
          log: this.log,
          intervalMs: options.checkpointAskMs,
          ask: (since) => ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "checkpoint", since === undefined ? {} : { since }),
          logKeys: () => fetchLogKeys(options.serverUrl),
        })
      : null;
    this.batches = new BatchSender({
      outbox: this.outbox,
      log: this.log,
      emit: async (batch) => {
        const reply = await ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "readings", batch);
        if (reply.ok) this.checkpoints?.acked();
        return reply;
      },
      now: () => this.now(),
      onUnanswered: (why) => this.reconnect(why),
      maxBatch: options.maxBatch,
      deviceKey: options.deviceKey,
      onSeqRefused: () => this.helloAgain(),
    });
    this.gaps = new GapReporter({
      outbox: this.outbox,
      log: this.log,
      emit: (gap) => ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "gap", gap),
      deviceKey: options.deviceKey,
      onSeqGapDelivered: () => this.batches.flush(),
    });
    this.live = new LiveTicks({
      connected: () => this.ready,
      writing: () => (this.socket.io.engine?.writeBuffer.length ?? 0) > 0,
      onceDrained: (fn) => this.socket.io.engine.once("drain", fn),
      send: (values) => this.socket.emit("live", values),
    });
    this.socket.on("connect", () => void this.sayHello());
    this.socket.on("disconnect", (reason) => {
      this.ready = false;
      this.live.reset();
      this.connection++;
      this.batches.lost();
      this.gaps.lost();
      // Our own disconnect (stop) is no fault.
      this.log[reason === "io client disconnect" ? "info" : "warn"]({ reason }, "server link down");
      if (reason !== "io client disconnect") for (const handler of this.linkLost) handler(reason);
    });
    this.clock = new ClockSync({
      exchange: async (t0) => {
        const reply = await ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "clock", { t0 });
        if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
        return reply;
      },
      log: this.log,
      ...(options.clockIntervalMs !== undefined ? { intervalMs: options.clockIntervalMs } : {}),
      // Each measurement goes to the outbox as a reading of the clock stream: a step is a record.
      onMeasure: (stamp, stepped) =>
        this.outbox.push(CLOCK_INSTRUMENT_ID, CLOCK_STREAM_ID, "ms", {
          t: agentNow() + stamp.offsetMs,
          value: stamp.offsetMs,
          flags: stepped ? ReadingFlag.clockStep : 0,
          clock: stamp,
        }),
    });
    this.socket.on("connect_error", (err) => this.log.debug({ err: err.message }, "connect failed"));
    this.socket.on("problem", (error) => this.log.warn({ error }, "server reported a problem"));
  }

  /** Commands the server forwards from a session's lease holder; the handler's answer is the ack. */
  onCommand(handler: (raw: unknown) => Promise<Reply<{ commandId: string }>>): void {
    this.socket.on("command", (raw: unknown, ack: unknown) => {
      void handler(raw).then((reply) => {
        if (typeof ack === "function") (ack as (r: Reply<{ commandId: string }>) => void)(reply);
      });
    });
  }

  /** Called when the server link goes down by no choice of ours (a lost network, missed heartbeats, a server gone). */
  onLinkLost(handler: (reason: string) => void): void {
    this.linkLost.push(handler);
  }

  /** The server's notices of a lease's new epoch. */
  onLeaseEpoch(handler: (raw: unknown) => void): void {
    this.socket.on("lease-epoch", (raw: unknown) => handler(raw));
  }

  start(): void {
    this.socket.connect();
    this.timer = setInterval(() => {
      this.batches.flush();
      void this.gaps.flush();
      if (this.ready) this.checkpoints?.tick();
    }, this.options.flushIntervalMs ?? 200);
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.batches.stop();
    this.gaps.lost();
    this.clock.stop();
    if (this.timer) clearInterval(this.timer);
    this.live.reset();
    this.socket.disconnect();
    return Promise.resolve();
  }

  get connected(): boolean {
    return this.ready;
  }

  /** The offset and uncertainty that readings taken now carry (unsynced: 0 ± 1 s). */
  get clockStamp(): ClockStamp {
    return this.clock.stamp ?? { offsetMs: 0, uncertaintyMs: 1000 };
  }

  /** Server UTC now, as far as this agent knows it. */
  now(): number {
    return this.clock.now();
  }

  /** Announces the instruments again (after an identity was learnt). */
  rehello(): void {
    if (this.socket.connected) void this.sayHello();
  }

  /** After a seq refusal: a hello again, at most one a second, to learn what the server holds now. */
  private helloAgain(): void {
    if (Date.now() < this.nextSeqHello) return;
    this.nextSeqHello = Date.now() + 1000;
    this.log.warn({}, "batch refused for its seq: asking the server what it holds");
    this.rehello();
  }

  /** Hands a reading to the outbox; it is sent once committed. */
  push(instrumentId: string, streamId: string, unit: string, reading: OutboxReading): void {
    this.outbox.push(instrumentId, streamId, unit, { ...reading, clock: reading.clock ?? this.clockStamp });
    // The live path: shown at once (within a tick), never queued behind the backlog.
    this.live.push({ instrumentId, streamId, t: reading.t, value: reading.value, unit, flags: reading.flags });
  }

  /** Readings not yet acknowledged by the server, committed or waiting for their transaction. */
  pendingCount(): number {
    return this.outbox.size + this.outbox.queued;
  }

  /** The server's list of this agent's unfinished jobs, sent after each hello and when one changes. */
  onJobs(listener: (jobs: AgentJob[]) => void): void {
    this.socket.on("jobs", listener);
  }

  /** Reports an event of a job's bench; resolves once the server holds it in the record log. */
  async reportJobEvent(report: JobEventReport): Promise<void> {
    if (!this.ready) throw new TelecalError("TC_ERR_TRANSPORT_CLOSED", { instrument: "uplink", target: this.options.serverUrl });
    const reply = await ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "job-event", report);
    if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  }

  /** Sends what the outbox holds now rather than at the next flush tick. */
  kick(): void {
    this.batches.flush();
  }

  /** Gives up the current connection and connects again, as after a dead link. */
  private reconnect(why: string): void {
    this.log.warn({ why }, "server link unresponsive; reconnecting");
    this.socket.disconnect().connect();
  }

  private async sayHello(): Promise<void> {
    this.outbox.commit();
    // What the server acknowledged before: a server that holds less records the loss.
    const acked = this.outbox.ackedSeqs();
    const hello: AgentHello = { ...this.options.hello(), ...(Object.keys(acked).length > 0 ? { acked } : {}) };
    const connection = this.connection;
    let reply: Reply<HelloAccepted>;
    try {
      reply = await ask(this.socket, this.options.ackTimeoutMs ?? 10_000, "hello", hello);
    } catch {
      if (connection === this.connection && !this.stopped) this.reconnect("hello not answered");
      return;
    }
    if (connection !== this.connection || this.stopped) return;
    if (!reply.ok) {
      this.lastRefusal = `${reply.error.code}: ${reply.error.message}`;
      this.log.error({ error: reply.error }, "server refused hello");
      return;
    }
    this.lastRefusal = null;
    // The clock is measured on every new connection (the path may have changed), then periodically.
    this.clock.start();
    this.outbox.commit();
    for (const [streamId, seq] of Object.entries(reply.acked)) this.outbox.resume(streamId, seq);
    this.ready = true;
    this.log.info({ agentId: reply.agentId }, "server accepted hello");
    this.batches.open();
    this.gaps.open();
  }
}
