import * as sparkplugPayload from "sparkplug-payload";
import type { UMetric, UPayload } from "sparkplug-payload/lib/sparkplugbpayload";

/** Sparkplug B 3.0 topic namespace: spBv1.0/{group_id}/{message_type}/{edge_node_id}[/{device_id}]. */
export const SPARKPLUG_NAMESPACE = "spBv1.0";

export const REBIRTH_METRIC = "Node Control/Rebirth";
export const BDSEQ_METRIC = "bdSeq";

export type SparkplugMessageType =
  | "NBIRTH"
  | "NDEATH"
  | "NDATA"
  | "NCMD"
  | "DBIRTH"
  | "DDEATH"
  | "DDATA"
  | "DCMD";

const MESSAGE_TYPES = new Set<string>(["NBIRTH", "NDEATH", "NDATA", "NCMD", "DBIRTH", "DDEATH", "DDATA", "DCMD"]);

export interface SparkplugTopic {
  groupId: string;
  type: SparkplugMessageType;
  edgeNodeId: string;
  deviceId?: string;
}

export function sparkplugTopic(groupId: string, type: SparkplugMessageType, edgeNodeId: string): string {
  return `${SPARKPLUG_NAMESPACE}/${groupId}/${type}/${edgeNodeId}`;
}

/** Parses a Sparkplug B topic, or null for anything else (STATE, other namespaces). */
export function parseSparkplugTopic(topic: string): SparkplugTopic | null {
  const parts = topic.split("/");
  const [namespace, groupId, type, edgeNodeId, deviceId] = parts;
  if (namespace !== SPARKPLUG_NAMESPACE || parts.length < 4 || parts.length > 5) return null;
  if (!groupId || !edgeNodeId || type === undefined || !MESSAGE_TYPES.has(type)) return null;
  const parsed: SparkplugTopic = { groupId, type: type as SparkplugMessageType, edgeNodeId };
  if (deviceId !== undefined) parsed.deviceId = deviceId;
  return parsed;
}

/** A metric with plain JS numbers where protobuf gives 64-bit Longs. */
export interface SparkplugMetric {
  name?: string;
  alias?: number;
  type: string;
  /** Numbers (Int64 and UInt64 converted), booleans, strings; null when isNull or not scalar. */
  value: number | boolean | string | null;
  timestamp?: number;
  /** Engineering unit from the metric's properties ("engUnit"), when the node states one. */
  unit?: string;
}

export interface SparkplugPayload {
  timestamp?: number;
  seq?: number;
  metrics: SparkplugMetric[];
}

/** A payload that is not a Sparkplug B protobuf. The caller logs it; it never escapes a handler. */
export class SparkplugDecodeError extends Error {
  constructor(reason: string) {
    super(`not a Sparkplug B payload: ${reason}`);
    this.name = "SparkplugDecodeError";
  }
}

const codec = sparkplugPayload.get(SPARKPLUG_NAMESPACE)!;

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (value !== null && typeof value === "object" && "toNumber" in value && typeof value.toNumber === "function") {
    return (value as { toNumber(): number }).toNumber();
  }
  return undefined;
}

function scalar(value: unknown): number | boolean | string | null {
  if (typeof value === "boolean" || typeof value === "string") return value;
  return toNumber(value) ?? null;
}

/** The shortest decimal that is the same float32: 45.3, not 45.29999923706055. */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

function metricOf(m: UMetric): SparkplugMetric {
  const value = scalar(m.value);
  const metric: SparkplugMetric = { type: m.type, value: m.type === "Float" && typeof value === "number" ? shortestFloat32(value) : value };
  if (typeof m.name === "string") metric.name = m.name;
  const alias = toNumber(m.alias);
  if (alias !== undefined) metric.alias = alias;
  const timestamp = toNumber(m.timestamp);
  if (timestamp !== undefined) metric.timestamp = timestamp;
  const unit = m.properties?.["engUnit"]?.value;
  if (typeof unit === "string") metric.unit = unit;
  return metric;
}

/**
 * Decodes a Sparkplug B payload with the Eclipse Tahu codec (sparkplug-payload). Anything that is
 * not one gives a SparkplugDecodeError, never a throw of another kind.
 */
export function decodeSparkplug(bytes: Uint8Array): SparkplugPayload | SparkplugDecodeError {
  let raw: UPayload;
  try {
    raw = codec.decodePayload(bytes);
  } catch (err) {
    return new SparkplugDecodeError(err instanceof Error ? err.message : String(err));
  }
  try {
    const payload: SparkplugPayload = { metrics: (raw.metrics ?? []).map(metricOf) };
    const timestamp = toNumber(raw.timestamp);
    if (timestamp !== undefined) payload.timestamp = timestamp;
    const seq = toNumber(raw.seq);
    if (seq !== undefined) payload.seq = seq;
    return payload;
  } catch (err) {
    return new SparkplugDecodeError(err instanceof Error ? err.message : String(err));
  }
}

export interface SparkplugMetricOut {
  /** Optional after the NBIRTH when the metric has an alias. */
  name?: string;
  alias?: number;
  type: string;
  value: number | boolean | string | null;
  timestamp?: number;
  unit?: string;
}

export function encodeSparkplug(payload: { timestamp: number; seq?: number; metrics: SparkplugMetricOut[] }): Uint8Array {
  return codec.encodePayload({
    timestamp: payload.timestamp,
    ...(payload.seq !== undefined ? { seq: payload.seq } : {}),
    metrics: payload.metrics.map((m) => {
      const metric: UMetric = { type: m.type as UMetric["type"], value: m.value };
      if (m.name !== undefined) metric.name = m.name;
      if (m.alias !== undefined) metric.alias = m.alias;
      if (m.timestamp !== undefined) metric.timestamp = m.timestamp;
      if (m.unit !== undefined) metric.properties = { engUnit: { type: "String", value: m.unit } };
      return metric;
    }),
  });
}

/** The NCMD that asks an edge node to publish its NBIRTH again. */
export function rebirthRequest(now: number): Uint8Array {
  return encodeSparkplug({ timestamp: now, metrics: [{ name: REBIRTH_METRIC, type: "Boolean", value: true }] });
}

/** Sequence numbers run 0..255 and wrap. */
export function nextSeq(seq: number): number {
  return (seq + 1) % 256;
}
