import {
  BDSEQ_METRIC,
  decodeSparkplug,
  encodeSparkplug,
  nextSeq,
  REBIRTH_METRIC,
  SparkplugDecodeError,
  type SparkplugMetricOut,
  sparkplugTopic,
} from "../../dialects/sparkplug";
import type { MqttWill } from "../../transports/mqtt";
import type { SparkplugSimDefinition } from "./definition";
import { MqttPublisher, type MqttSimOptions } from "./publisher";
import { sampleSignal } from "./signal";

const INTEGER_TYPES = new Set(["Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"]);

/**
 * A Sparkplug B edge node as the specification (3.0) has it: every MQTT session gets the next bdSeq,
 * carried by the NDEATH registered as the will and by the NBIRTH published right after CONNECT
 * (seq 0); then NDATA per interval with seq 1, 2, ... 255, 0, ...; an NCMD `Node Control/Rebirth`
 * makes it publish its NBIRTH again (same bdSeq, seq 0). A clean stop publishes NDEATH first.
 */
export class SparkplugEdgeSimulator extends MqttPublisher<SparkplugSimDefinition> {
  private bdSeq = -1;
  /** bdSeq of the will of the CONNECT under way; it becomes the session's once connected. */
  private pendingBdSeq = 0;
  private seq = 0;
  private born = false;
  private skipPending = false;
  readonly edgeNodeId: string;
  /** Counts for tests and the console: births published, rebirths asked for. */
  readonly counts = { births: 0, rebirthRequests: 0, data: 0 };

  constructor(definition: SparkplugSimDefinition, options: MqttSimOptions & { edgeNodeId?: string }) {
    super(definition, options);
    this.edgeNodeId = options.edgeNodeId ?? definition.edgeNodeId;
    this.transport.on("message", (topic, payload) => void this.onCommand(topic, payload));
    this.transport.on("down", () => {
      this.born = false;
    });
    void this.transport.subscribe(this.topic("NCMD"));
  }

  /** bdSeq of the current (or last) MQTT session. */
  get currentBdSeq(): number {
    return this.bdSeq;
  }

  topic(type: "NBIRTH" | "NDATA" | "NDEATH" | "NCMD"): string {
    return sparkplugTopic(this.definition.groupId, type, this.edgeNodeId);
  }

  /** Makes the next NDATA skip one seq number, as if one had been lost on the way. */
  skipNextSeq(): void {
    this.skipPending = true;
  }

  protected override will(): MqttWill {
    this.pendingBdSeq = (this.bdSeq + 1) % 256;
    return { topic: this.topic("NDEATH"), payload: this.death(this.pendingBdSeq), qos: 1 };
  }

  protected override async onUp(): Promise<void> {
    this.bdSeq = this.pendingBdSeq;
    await this.publishBirth().catch((err: Error) => this.log.warn({ err: err.message }, "NBIRTH not published"));
  }

  protected override async beforeStop(): Promise<void> {
    if (this.transport.isUp) await this.transport.publish(this.topic("NDEATH"), this.death(), { qos: 1 }).catch(() => undefined);
  }

  async publishBirth(): Promise<void> {
    const now = this.env.now();
    const metrics: SparkplugMetricOut[] = [
      { name: BDSEQ_METRIC, type: "Int64", value: this.bdSeq, timestamp: now },
      { name: REBIRTH_METRIC, type: "Boolean", value: false, timestamp: now },
      ...this.values(now, true),
    ];
    this.seq = 0;
    await this.transport.publish(this.topic("NBIRTH"), encodeSparkplug({ timestamp: now, seq: 0, metrics }));
    this.born = true;
    this.counts.births++;
  }

  override async publishNow(): Promise<void> {
    if (!this.born) return;
    const now = this.env.now();
    this.seq = nextSeq(this.seq);
    if (this.skipPending || this.chance(this.faults.skipSeq)) {
      this.skipPending = false;
      this.seq = nextSeq(this.seq);
    }
    const payload = this.chance(this.faults.garbage)
      ? this.garbage()
      : encodeSparkplug({ timestamp: now, seq: this.seq, metrics: this.values(now, false) });
    await this.transport.publish(this.topic("NDATA"), payload);
    this.counts.data++;
  }

  private death(bdSeq = this.bdSeq): Uint8Array {
    return encodeSparkplug({ timestamp: this.env.now(), metrics: [{ name: BDSEQ_METRIC, type: "Int64", value: bdSeq }] });
  }

  /** The metrics' current values; NBIRTH names them (with alias and unit), NDATA uses the alias alone. */
  private values(now: number, birth: boolean): SparkplugMetricOut[] {
    return this.definition.metrics.map((m) => {
      const sampled = sampleSignal(m.signal, this.startedAt, this.env);
      const value = m.type === "Boolean" ? sampled > 0.5 : INTEGER_TYPES.has(m.type) ? Math.round(sampled) : sampled;
      const out: SparkplugMetricOut = { type: m.type, value, timestamp: now };
      if (birth || m.alias === undefined) out.name = m.name;
      if (m.alias !== undefined) out.alias = m.alias;
      if (birth && m.unit !== undefined) out.unit = m.unit;
      return out;
    });
  }

  private async onCommand(topic: string, payload: Buffer): Promise<void> {
    if (topic !== this.topic("NCMD")) return;
    const command = decodeSparkplug(payload);
    if (command instanceof SparkplugDecodeError) {
      this.log.warn({ err: command.message }, "NCMD ignored");
      return;
    }
    if (command.metrics.some((m) => m.name === REBIRTH_METRIC && m.value === true)) {
      this.counts.rebirthRequests++;
      await this.publishBirth().catch((err: Error) => this.log.warn({ err: err.message }, "NBIRTH not published"));
    }
  }
}
