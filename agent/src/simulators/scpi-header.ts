/**
 * Compiles an SCPI header pattern as instrument manuals write it ("CONFigure:VOLTage[:DC]",
 * "SYSTem:ERRor[:NEXT]?", "*IDN?") into a matcher. Upper-case letters are the short form; either
 * the short or the whole long form matches, in any case; bracketed nodes are optional.
 */
export function compileHeader(pattern: string): RegExp {
  let source = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "[") {
      source += "(?:";
      i++;
    } else if (c === "]") {
      source += ")?";
      i++;
    } else if (c === ":" || c === "?" || c === "*") {
      source += `\\${c}`;
      i++;
    } else {
      let word = "";
      while (i < pattern.length && /[A-Za-z0-9]/.test(pattern[i]!)) word += pattern[i++]!;
      if (word === "") throw new Error(`bad SCPI header pattern ${JSON.stringify(pattern)} at ${i}`);
      const short = /^[A-Z0-9]*/.exec(word)![0];
      const long = word.toUpperCase();
      source += short === long || short === "" ? long : `(?:${long}|${short})`;
    }
  }
  // A leading colon is allowed on any header (root-anchored form).
  return new RegExp(`^:?${source}$`, "i");
}

/** Splits "CONF:VOLT:DC 10,0.001" into header and parameter list. */
export function splitCommand(command: string): { header: string; params: string[] } {
  const trimmed = command.trim();
  const space = trimmed.search(/\s/);
  if (space < 0) return { header: trimmed, params: [] };
  const rest = trimmed.slice(space + 1).trim();
  return {
    header: trimmed.slice(0, space),
    params: rest === "" ? [] : rest.split(",").map((p) => p.trim()),
  };
}

/** Splits a program message at ';' outside quoted strings ("CONF:VOLT;:READ?"). */
export function splitMessage(line: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ";") {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

/** Formats a number the way SCPI instruments answer: "+1.00000123E+01". */
export function formatScpiNumber(value: number, digits = 8): string {
  const [mantissa = "0", exponent = "0"] = value.toExponential(digits).split("e");
  const exp = Number(exponent);
  const sign = value < 0 ? "" : "+";
  return `${sign}${mantissa}E${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}
