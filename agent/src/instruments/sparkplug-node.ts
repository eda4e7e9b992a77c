import { type InstrumentDescriptor, type InstrumentRole, ReadingFlag, TelecalError } from "@telecal/protocols";
import {
  BDSEQ_METRIC,
  decodeSparkplug,
  nextSeq,
  parseSparkplugTopic,
  rebirthRequest,
  SparkplugDecodeError,
  type SparkplugMetric,
  type SparkplugPayload,
  sparkplugTopic,
  SPARKPLUG_NAMESPACE,
} from "../dialects/sparkplug";
import type { DriverDefinition } from "../drivers/definition";
import type { Logger } from "../log";
import type { MqttTransport } from "../transports/mqtt";
import { fillId, previewPayload } from "./mqtt-sensor";
import type { InstrumentEvents, InstrumentRuntime } from "./runtime";

/**
 * What the host knows of the edge node: `unborn` before any NBIRTH on this link, `online` after
 * one, `stale` after a seq gap until the rebirth comes, `offline` after NDEATH or a broker loss.
 */
export type NodeState = "unborn" | "online" | "stale" | "offline";

export interface SparkplugNodeOptions {
  id: string;
  role: InstrumentRole;
  /** Rebirth requests are sent at most this often while the node's state is in doubt. */
  rebirthIntervalMs?: number;
}

/**
 * A Sparkplug B edge node as a host application sees it (dialect sparkplug). The NBIRTH tells which
 * of the driver's metrics the node has (they become streams) and their aliases; NDATA carries seq
 * 0..255, wrapping. An NDATA before any NBIRTH is dropped, since its metrics cannot be trusted to
 * mean what we think; a seq gap flags the readings `unstable` until the node is born again. Both
 * ask for that rebirth with NCMD `Node Control/Rebirth`. NDEATH (the node's MQTT will) with the
 * bdSeq of the current birth marks the streams offline; one from an older session is ignored.
 */
export class SparkplugNode implements InstrumentRuntime {
  readonly id: string;
  readonly groupId: string;
  readonly edgeNodeId: string;
  private nodeState: NodeState = "unborn";
  private bdSeq: number | null = null;
  private expectedSeq = 0;
  private readonly aliases = new Map<number, string>();
  /** Driver measurement by Sparkplug metric name. */
  private readonly byMetric = new Map<string, string>();
  /** Measurements the last NBIRTH announced, in driver order. */
  private born: string[] = [];
  private lastRebirthAt = Number.NEGATIVE_INFINITY;
  private readonly warned = new Set<string>();
  private events: InstrumentEvents | null = null;
  readonly counts = { readings: 0, flagged: 0, dropped: 0, rebirths: 0, decodeErrors: 0, gaps: 0 };

  constructor(
    readonly driver: DriverDefinition,
    readonly transport: MqttTransport,
    private readonly options: SparkplugNodeOptions,
    private readonly log: Logger,
  ) {
    this.id = options.id;
    this.groupId = fillId(driver.mqtt?.groupId ?? "", options.id);
    this.edgeNodeId = fillId(driver.mqtt?.edgeNodeId ?? "", options.id);
    for (const [name, m] of Object.entries(driver.measurements)) this.byMetric.set(m.read, name);
    transport.on("message", (topic, payload) => this.handle(topic, payload));
    // After a reconnect the node is not born on this link: its first NDATA asks for the rebirth,
    // without waiting for the interval of a request made on the old link.
    transport.on("down", () => {
      this.lastRebirthAt = Number.NEGATIVE_INFINITY;
      this.goOffline("broker link down");
    });
  }

  get state(): NodeState {
    return this.nodeState;
  }

  /** bdSeq of the birth in force, or null before the first. */
  get birthBdSeq(): number | null {
    return this.bdSeq;
  }

  streamId(measurement: string): string {
    return `${this.id}.${measurement}`;
  }

  /** Each announced stream with the node's state: what a viewer should be told of it. */
  streamStates(): Record<string, NodeState> {
    return Object.fromEntries(this.born.map((m) => [this.streamId(m), this.nodeState]));
  }

  describe(): InstrumentDescriptor {
    return {
      id: this.id,
      driver: this.driver.name,
      role: this.options.role,
      maker: "",
      model: "",
      serial: this.edgeNodeId,
      firmware: "",
      streams: this.born.map((name) => {
        const m = this.driver.measurements[name]!;
        return { id: this.streamId(name), quantity: m.quantity, unit: m.unit };
      }),
    };
  }

  start(events: InstrumentEvents): void {
    this.events = events;
    // NBIRTH, NDATA, NDEATH and NCMD of this node; devices behind it are not read (yet).
    void this.transport.subscribe(`${SPARKPLUG_NAMESPACE}/${this.groupId}/+/${this.edgeNodeId}`);
    this.transport.open();
  }

  async stop(): Promise<void> {
    this.events = null;
    await this.transport.close();
  }

  handle(topic: string, payload: Uint8Array): void {
    const parsed = parseSparkplugTopic(topic);
    if (!parsed || parsed.groupId !== this.groupId || parsed.edgeNodeId !== this.edgeNodeId || parsed.deviceId) return;
    if (parsed.type !== "NBIRTH" && parsed.type !== "NDATA" && parsed.type !== "NDEATH") return;
    const decoded = decodeSparkplug(payload);
    if (decoded instanceof SparkplugDecodeError) {
      this.counts.decodeErrors++;
      this.problem(topic, payload, decoded.message);
      return;
    }
    switch (parsed.type) {
      case "NBIRTH":
        return this.onBirth(decoded);
      case "NDATA":
        return this.onData(decoded);
      case "NDEATH":
        return this.onDeath(decoded);
    }
  }

  private onBirth(payload: SparkplugPayload): void {
    const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
    this.bdSeq = typeof bdSeq === "number" ? bdSeq : null;
    if (this.bdSeq === null) this.warnOnce("no-bdseq", "NBIRTH without bdSeq: any NDEATH will be taken as this node's");
    this.aliases.clear();
    const born: string[] = [];
    for (const metric of payload.metrics) {
      if (metric.name === undefined) continue;
      if (metric.alias !== undefined) this.aliases.set(metric.alias, metric.name);
      const measurement = this.byMetric.get(metric.name);
      if (measurement === undefined) continue;
      const unit = this.driver.measurements[measurement]!.unit;
      if (metric.unit !== undefined && metric.unit !== unit) {
        this.warnOnce(`unit:${metric.name}`, `metric ${metric.name} is in ${metric.unit}, the driver expects ${unit}: not read`);
        continue;
      }
      born.push(measurement);
    }
    const order = Object.keys(this.driver.measurements);
    born.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    const changed = born.join() !== this.born.join();
    this.born = born;
    this.expectedSeq = nextSeq(payload.seq ?? 0);
    const was = this.nodeState;
    this.nodeState = "online";
    this.warned.delete("unborn");
    this.log.info({ bdSeq: this.bdSeq, seq: payload.seq, streams: born.length, was }, "edge node born");
    if (changed) this.events?.changed();
    this.emitReadings(payload, 0);
  }

  private onData(payload: SparkplugPayload): void {
    if (this.nodeState === "unborn" || this.nodeState === "offline") {
      this.counts.dropped += payload.metrics.length;
      this.warnOnce("unborn", "NDATA before NBIRTH: readings dropped until the node is born");
      void this.requestRebirth("NDATA before NBIRTH");
      return;
    }
    if (payload.seq !== this.expectedSeq) {
      this.counts.gaps++;
      this.log.warn({ expected: this.expectedSeq, got: payload.seq ?? null }, "Sparkplug seq gap: readings flagged until rebirth");
      this.nodeState = "stale";
    }
    // Asked again at each NDATA while stale (throttled), in case a request or the NBIRTH was lost.
    if (this.nodeState === "stale") void this.requestRebirth(`seq gap: expected ${this.expectedSeq}, got ${payload.seq ?? "none"}`);
    this.expectedSeq = nextSeq(payload.seq ?? this.expectedSeq);
    this.emitReadings(payload, this.nodeState === "stale" ? ReadingFlag.unstable : 0);
  }

  private onDeath(payload: SparkplugPayload): void {
    const bdSeq = payload.metrics.find((m) => m.name === BDSEQ_METRIC)?.value;
    if (this.bdSeq !== null && typeof bdSeq === "number" && bdSeq !== this.bdSeq) {
      this.log.info({ bdSeq, current: this.bdSeq }, "NDEATH of an earlier session ignored");
      return;
    }
    this.goOffline("NDEATH");
  }

  private goOffline(reason: string): void {
    if (this.nodeState === "offline") return;
    const was = this.nodeState;
    this.nodeState = "offline";
    if (was !== "unborn") this.log.warn({ reason, streams: this.born.length }, "edge node offline");
  }

  private emitReadings(payload: SparkplugPayload, flags: number): void {
    const events = this.events;
    if (!events) return;
    for (const metric of payload.metrics) {
      const name = metric.name ?? (metric.alias !== undefined ? this.aliases.get(metric.alias) : undefined);
      const measurement = name === undefined ? undefined : this.byMetric.get(name);
      if (measurement === undefined || !this.born.includes(measurement)) continue;
      const value = numeric(metric);
      if (value === null) {
        this.counts.dropped++;
        this.warnOnce(`value:${name}`, `metric ${name} has no numeric value (${metric.type} ${JSON.stringify(metric.value)})`);
        continue;
      }
      const m = this.driver.measurements[measurement]!;
      const t = metric.timestamp ?? payload.timestamp;
      this.counts.readings++;
      if (flags !== 0) this.counts.flagged++;
      events.reading(this.streamId(measurement), m.unit, { t: t !== undefined && t > 0 ? t : events.now(), value, flags });
    }
  }

  /** Publishes NCMD Node Control/Rebirth, at most once per rebirthIntervalMs. */
  async requestRebirth(reason: string): Promise<void> {
    const now = Date.now();
    if (now - this.lastRebirthAt < (this.options.rebirthIntervalMs ?? 5000)) return;
    if (!this.transport.isUp) return;
    this.lastRebirthAt = now;
    this.counts.rebirths++;
    this.log.info({ reason }, "asking the edge node for a rebirth");
    try {
      await this.transport.publish(sparkplugTopic(this.groupId, "NCMD", this.edgeNodeId), rebirthRequest(now));
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "rebirth request not sent");
    }
  }

  private problem(topic: string, payload: Uint8Array, reason: string): void {
    const err = new TelecalError("TC_ERR_INSTRUMENT_REPLY", {
      instrument: this.id,
      reply: previewPayload(payload),
      command: `topic ${topic}`,
    });
    this.log.warn({ code: err.code, reason }, err.message);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log.warn({ node: `${this.groupId}/${this.edgeNodeId}` }, message);
  }
}

function numeric(metric: SparkplugMetric): number | null {
  if (typeof metric.value === "number") return Number.isFinite(metric.value) ? metric.value : null;
  if (typeof metric.value === "boolean") return metric.value ? 1 : 0;
  return null;
}
