/** The units our procedures use, in D-SI notation (DESIGN.md, Contracts): the DCC writes these. */
const D_SI: Readonly<Record<string, string>> = {
  V: "\\volt",
  mV: "\\milli\\volt",
  A: "\\ampere",
  Ω: "\\ohm",
  g: "\\gram",
  mg: "\\milli\\gram",
  kg: "\\kilogram",
  Pa: "\\pascal",
  hPa: "\\hecto\\pascal",
  kPa: "\\kilo\\pascal",
  MPa: "\\mega\\pascal",
  "°C": "\\degreecelsius",
  K: "\\kelvin",
  "%RH": "\\percent",
  "%": "\\percent",
};

/** D-SI unit of a procedure's unit; an unknown one stays as it is written, so nothing is lost silently. */
export function dsiUnit(unit: string): string {
  return D_SI[unit] ?? unit;
}
