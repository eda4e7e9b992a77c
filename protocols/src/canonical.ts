/**
 * Canonical JSON: object keys sorted by UTF-16 code units, no insignificant whitespace, numbers and
 * strings as JSON.stringify writes them (the same text as RFC 8785 for the values we store). Two
 * equal values always give the same text, so a hash of the text is a hash of the value.
 */
export function canonicalJson(value: unknown): string {
  return encode(value, "$");
}

function encode(value: unknown, path: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`${path}: ${value} has no JSON form`);
      return JSON.stringify(value);
    case "string":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v, i) => encode(v, `${path}[${i}]`)).join(",")}]`;
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`${path}: only plain objects have a JSON form`);
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${encode(v, `${path}.${k}`)}`).join(",")}}`;
    }
    case "bigint":
    case "function":
    case "symbol":
    case "undefined":
    default: // TypeScript does not take a typeof switch as exhaustive for `unknown`
      throw new TypeError(`${path}: a ${typeof value} has no JSON form`);
  }
}
