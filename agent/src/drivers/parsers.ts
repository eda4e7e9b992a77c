import { ReadingFlag } from "@telecal/protocols";
import { parseMtSicsWeight } from "../dialects/mt-sics";
import { parseScpiNumber, SCPI_OVERLOAD } from "../dialects/scpi";

export interface ParsedValue {
  value: number | null;
  flags: number;
}

/** A reply parser turns one reply line into a value and status flags, or null if it is not one. */
export type ReplyParser = (reply: string) => ParsedValue | null;

const scpiNumber: ReplyParser = (reply) => {
  const value = parseScpiNumber(reply);
  if (value === null) return null;
  if (Math.abs(value) >= SCPI_OVERLOAD) return { value: null, flags: ReadingFlag.overload };
  return { value, flags: 0 };
};

/**
 * Strict NR3 as SCPI meters answer measurements ("+1.00000120E+01"): a reply of any other shape is
 * not trusted to be the measurement, however number-like it is.
 */
const scpiNr3: ReplyParser = (reply) =>
  /^\s*[+-]\d\.\d+E[+-]\d{2,3}\s*$/.test(reply) ? scpiNumber(reply) : null;

/** Replies that repeat the command's header before the value: ":SENS:PRES 1014.25" (Druck PACE). */
const headerNumber: ReplyParser = (reply) => {
  const match = /^\s*:?[A-Za-z*][\w:*]*\s+(\S+)\s*$/.exec(reply);
  return match ? scpiNumber(match[1]!) : scpiNumber(reply);
};

/** The first number in the line, for readouts that add a unit or a channel: "23.4567 C". */
const firstNumber: ReplyParser = (reply) => {
  const match = /[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(reply);
  return match ? scpiNumber(match[0]) : null;
};

/**
 * A Fluke calibrator's OUT? reply ("1.000000E+01,V,0.000000E+00,0,0.000000E+00"): the value only
 * when the output is in volts; in another function (OHM) the voltage output has no value, rather
 * than an ohm figure taken for volts.
 */
const flukeOutVolts: ReplyParser = (reply) => {
  const [value, unit] = reply.split(",").map((f) => f.trim());
  if (value === undefined || unit === undefined || !/^[A-Z]+$/i.test(unit)) return null;
  if (unit.toUpperCase() !== "V") return { value: null, flags: 0 };
  return scpiNumber(value);
};

const mtSicsWeight: ReplyParser = (reply) => {
  const parsed = parseMtSicsWeight(reply);
  return parsed && { value: parsed.value, flags: parsed.flags };
};

/** Parsers by the name a driver definition uses. */
export const PARSERS: Readonly<Record<string, ReplyParser>> = {
  "scpi-number": scpiNumber,
  "scpi-nr3": scpiNr3,
  "header-number": headerNumber,
  "first-number": firstNumber,
  "mt-sics-weight": mtSicsWeight,
  "fluke-out-volts": flukeOutVolts,
};
