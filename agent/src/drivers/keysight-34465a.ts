import type { DriverDefinition } from "./definition";

/** Keysight 34465A-class 6½-digit DMM (also 34461A, 34470A) over SCPI. */
export const keysight34465a: DriverDefinition = {
  name: "keysight-34465a",
  title: "Keysight 34465A digital multimeter",
  dialect: "scpi",
  identity: /^(Keysight|Agilent) Technologies,344(6[01]|65|70)A,/i,
  transport: { tcpPort: 5025, terminator: "\n", timeoutMs: 5000 },
  measurements: {
    dcv: { quantity: "voltage", unit: "V", configure: "CONF:VOLT:DC AUTO", read: "READ?" },
    acv: { quantity: "voltage (AC rms)", unit: "V", configure: "CONF:VOLT:AC AUTO", read: "READ?" },
    res2w: { quantity: "resistance", unit: "Ω", configure: "CONF:RES AUTO", read: "READ?" },
    res4w: { quantity: "resistance (4-wire)", unit: "Ω", configure: "CONF:FRES AUTO", read: "READ?" },
    dci: { quantity: "current", unit: "A", configure: "CONF:CURR:DC AUTO", read: "READ?" },
  },
  defaultMeasurement: "dcv",
};
