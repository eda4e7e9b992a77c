import { TelecalError } from "@telecal/protocols";

/** What an uploaded certificate may be before anything parses it (a real DCC is far below each). */
export interface ComplexityLimits {
  maxXmlBytes: number;
  maxPdfBytes: number;
  maxDepth: number;
  maxElements: number;
  maxAttributes: number;
}

export const DEFAULT_COMPLEXITY_LIMITS: ComplexityLimits = {
  maxXmlBytes: 4 * 1024 * 1024,
  maxPdfBytes: 20 * 1024 * 1024,
  maxDepth: 32,
  maxElements: 20_000,
  maxAttributes: 40_000,
};

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function tooComplex(file: string, reason: string): TelecalError {
  return new TelecalError("TC_ERR_CERT_TOO_COMPLEX", { file, reason });
}

/** Refuses by the declared length before the body is read: an XML type has the XML limit. */
export function checkDeclaredSize(contentType: string | undefined, contentLength: string | undefined, file: string, limits: ComplexityLimits): void {
  const length = Number(contentLength);
  const xml = /xml/i.test(contentType ?? "");
  const max = xml ? limits.maxXmlBytes : limits.maxPdfBytes;
  if (Number.isFinite(length) && length > max) throw tooComplex(file, `${length} bytes, at most ${max} for a ${xml ? "DCC XML" : "PDF"}`);
}

/** Refuses by size alone: the one check cheap enough for the event loop. */
export function checkSize(bytes: Buffer, file: string, limits: ComplexityLimits): void {
  const pdf = bytes.subarray(0, 5).toString("latin1") === "%PDF-";
  const max = pdf ? limits.maxPdfBytes : limits.maxXmlBytes;
  if (bytes.length > max) throw tooComplex(file, `${bytes.length} bytes, at most ${max} for a ${pdf ? "PDF" : "DCC XML"}`);
}

/**
 * One pass over the bytes, no parser: counts start tags, attributes (an `=` inside a tag, outside
 * quotes) and nesting depth, and stops at the first limit passed. Comments, CDATA and processing
 * instructions are skipped up to their `>`; an odd count there only makes the bound stricter.
 */
export function scanXml(bytes: Buffer, file: string, limits: ComplexityLimits): void {
  let depth = 0;
  let elements = 0;
  let attributes = 0;
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    if (bytes[i] !== LT) {
      i++;
      continue;
    }
    const next = bytes[i + 1];
    if (next === BANG || next === QUESTION) {
      while (i < n && bytes[i] !== GT) i++;
      continue;
    }
    if (next === SLASH) {
      depth--;
      while (i < n && bytes[i] !== GT) i++;
      continue;
    }
    if (++elements > limits.maxElements) throw tooComplex(file, `more than ${limits.maxElements} elements`);
    if (++depth > limits.maxDepth) throw tooComplex(file, `nested deeper than ${limits.maxDepth}`);
    let quote = 0;
    for (i++; i < n; i++) {
      const c = bytes[i]!;
      if (quote !== 0) {
        if (c === quote) quote = 0;
      } else if (c === DQUOTE || c === SQUOTE) quote = c;
      else if (c === EQUALS) {
        if (++attributes > limits.maxAttributes) throw tooComplex(file, `more than ${limits.maxAttributes} attributes`);
      } else if (c === GT) {
        if (bytes[i - 1] === SLASH) depth--;
        break;
      }
    }
  }
}

/** The whole bound for one upload: size, then (for XML) the scan. */
export function checkComplexity(bytes: Buffer, file: string, limits: ComplexityLimits = DEFAULT_COMPLEXITY_LIMITS): void {
  checkSize(bytes, file, limits);
  if (bytes.subarray(0, 5).toString("latin1") !== "%PDF-") scanXml(bytes, file, limits);
}
