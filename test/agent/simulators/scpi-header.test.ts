import { describe, expect, it } from "vitest";
import {
  compileHeader,
  formatScpiNumber,
  splitCommand,
  splitMessage,
} from "@telecal/agent/simulators/scpi-header";

describe("SCPI header patterns", () => {
  it("match short and long forms in any case, with optional nodes", () => {
    const conf = compileHeader("CONFigure:VOLTage[:DC]");
    for (const ok of ["CONF:VOLT", "conf:volt:dc", "CONFIGURE:VOLTAGE:DC", ":CONF:VOLTage", "Conf:Voltage"]) {
      expect(conf.test(ok), ok).toBe(true);
    }
    for (const bad of ["CONFI:VOLT", "CONF:VOL", "CONF:VOLT:AC", "CONF", "CONF:VOLT:DC?"]) {
      expect(conf.test(bad), bad).toBe(false);
    }
    expect(compileHeader("SYSTem:ERRor[:NEXT]?").test("SYST:ERR?")).toBe(true);
    expect(compileHeader("SYSTem:ERRor[:NEXT]?").test("system:error:next?")).toBe(true);
    expect(compileHeader("*IDN?").test("*idn?")).toBe(true);
    expect(compileHeader("*IDN?").test("IDN?")).toBe(false);
  });

  it("split messages and parameters", () => {
    expect(splitMessage('CONF:VOLT:DC 10;:READ?;DISP:TEXT "a;b"')).toEqual(["CONF:VOLT:DC 10", ":READ?", 'DISP:TEXT "a;b"']);
    expect(splitCommand("CONF:VOLT:DC 10, 0.001")).toEqual({ header: "CONF:VOLT:DC", params: ["10", "0.001"] });
    expect(splitCommand("*IDN?")).toEqual({ header: "*IDN?", params: [] });
  });

  it("format numbers as the instrument does", () => {
    expect(formatScpiNumber(10.0000123)).toBe("+1.00000123E+01");
    expect(formatScpiNumber(-0.0012)).toBe("-1.20000000E-03");
    expect(formatScpiNumber(9.9e37)).toBe("+9.90000000E+37");
  });
});
