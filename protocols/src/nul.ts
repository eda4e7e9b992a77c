/**
 * The path of the first string or key holding U+0000 in a parsed JSON value, or undefined. PostgreSQL
 * text cannot hold NUL (the insert fails, a 500), SQLite can: refusing it at the edge keeps both
 * stores taking the same inputs and gives the sender a validation error naming the field.
 */
export function nulPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path || "(root)" : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}/${i}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null && !ArrayBuffer.isView(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.includes("\u0000")) return `${path}/${key.replaceAll("\u0000", "\\u0000")}`;
      const found = nulPath(item, `${path}/${key}`);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
