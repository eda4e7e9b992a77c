/**
 * Plain JSON sensor messages: where in the message a value, its time stamp and its unit are, given
 * by a small JSON path ("$.temperature.value", "readings[0].v"). Pure functions; the sensor runtime
 * (instruments/mqtt-sensor.ts) applies them to each message.
 */

export type PathSegment = string | number;

/** Splits "$.a.b[2].c" into ["a", "b", 2, "c"]; a leading "$" or "$." is optional. */
export function parseJsonPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const body = path.replace(/^\$\.?/, "");
  for (const part of body.split(".")) {
    if (part === "") continue;
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`bad JSON path ${path}`);
    if (match[1]) segments.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

export function getAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    if (typeof segment === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[segment];
    } else {
      if (Array.isArray(node) || !Object.hasOwn(node, segment)) return undefined;
      node = (node as Record<string, unknown>)[segment];
    }
  }
  return node;
}

/** Sets a value at a path, making the objects and arrays on the way (for the simulator). */
export function setAt(data: Record<string, unknown>, path: readonly PathSegment[], value: unknown): void {
  let node: Record<string | number, unknown> = data;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = path[i + 1];
    if (node[segment] === undefined || node[segment] === null || typeof node[segment] !== "object") {
      node[segment] = typeof next === "number" ? [] : {};
    }
    node = node[segment] as Record<string | number, unknown>;
  });
}

/** Epoch seconds are below this; epoch milliseconds above it (1e11 s is the year 5138). */
const SECONDS_LIMIT = 1e11;

/** A time stamp as UTC milliseconds: epoch ms, epoch s, or an ISO 8601 string with a zone. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) {
    return value < SECONDS_LIMIT ? value * 1000 : value;
  }
  if (typeof value === "string" && /\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const t = Date.parse(value);
    return Number.isFinite(t) && t > 0 ? t : null;
  }
  return null;
}

export interface JsonFieldSpec {
  /** Measurement name, for messages. */
  name: string;
  /** Path of the value. */
  read: string;
  /** Unit the driver expects. */
  unit: string;
  /** Path of the time stamp, if the sensor sends one. */
  time?: string;
  /** Path of the unit the sensor states, if it states one. */
  unitAt?: string;
}

export interface JsonFieldReading {
  name: string;
  value: number;
  /** UTC ms from the sensor, or null to stamp on arrival. */
  t: number | null;
}

/** Why one field of one message gave no reading; a message can give several. */
export interface JsonFieldProblem {
  name: string;
  reason: string;
}

export interface JsonMessage {
  readings: JsonFieldReading[];
  problems: JsonFieldProblem[];
}

function numberOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/**
 * Reads the fields of one message. Never throws: a payload that is not JSON, or a field without a
 * number, a bad time stamp or a unit other than the driver's, comes back as a problem.
 */
export function readJsonMessage(payload: Uint8Array, fields: readonly JsonFieldSpec[]): JsonMessage {
  const result: JsonMessage = { readings: [], problems: [] };
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(payload));
  } catch (err) {
    const reason = `not JSON: ${(err as Error).message}`;
    for (const f of fields) result.problems.push({ name: f.name, reason });
    return result;
  }
  for (const f of fields) {
    try {
      const raw = getAt(data, parseJsonPath(f.read));
      const value = numberOf(raw);
      if (value === null) {
        result.problems.push({ name: f.name, reason: raw === undefined ? `no value at ${f.read}` : `${f.read} is not a number` });
        continue;
      }
      if (f.unitAt !== undefined) {
        const unit = getAt(data, parseJsonPath(f.unitAt));
        if (unit !== f.unit) {
          result.problems.push({ name: f.name, reason: `unit ${JSON.stringify(unit)} at ${f.unitAt}, expected ${f.unit}` });
          continue;
        }
      }
      let t: number | null = null;
      if (f.time !== undefined) {
        const stamp = getAt(data, parseJsonPath(f.time));
        t = parseTimestamp(stamp);
        if (t === null) {
          result.problems.push({ name: f.name, reason: `bad time stamp ${JSON.stringify(stamp)} at ${f.time}` });
          continue;
        }
      }
      result.readings.push({ name: f.name, value, t });
    } catch (err) {
      result.problems.push({ name: f.name, reason: (err as Error).message });
    }
  }
  return result;
}
