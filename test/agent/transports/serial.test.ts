import { afterEach, describe, expect, it, vi } from "vitest";
import { ScpiSession } from "@telecal/agent/dialects/scpi";
import { DriverDefinition } from "@telecal/agent/drivers/definition";
import { silentLogger } from "@telecal/agent/log";
import { SerialTransportConfig } from "@telecal/agent/transports/config";
import { createTransport } from "@telecal/agent/transports/factory";
import { SerialTransport } from "@telecal/agent/transports/serial";
import { formatSerialSettings, mergeSerialSettings, SerialSettings } from "@telecal/agent/transports/serial-settings";
import { MockSerial } from "../../fakes/mock-serial";

/** A readout whose manual says 2400 baud, 7 data bits, even parity, 2 stop bits, XON/XOFF. */
const readout = DriverDefinition.parse({
  name: "readout-7e2",
  title: "readout",
  dialect: "line",
  transport: {
    serial: { baudRate: 2400, dataBits: 7, parity: "even", stopBits: 2, flowControl: "xonxoff" },
    terminator: "\r\n",
  },
  measurements: { t: { quantity: "temperature", unit: "°C", read: "FETC?" } },
  defaultMeasurement: "t",
});

/** Resolves with the transport's next `event`, or fails naming what it waited for. */
function next(transport: SerialTransport, event: "up" | "down", ms = 2000): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" from ${transport.target} within ${ms} ms`)), ms);
    transport.once(event, (reason?: string) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function openOn(mock: MockSerial, settings: SerialSettings): Promise<SerialTransport> {
  const transport = new SerialTransport({ path: mock.path, settings, binding: mock.binding });
  const up = next(transport, "up");
  transport.open();
  await up;
  return transport;
}

describe("serial transport (serialport over @serialport/binding-mock)", () => {
  let transport: SerialTransport | null = null;
  afterEach(async () => {
    await transport?.close();
    transport = null;
  });

  it("fills the settings a config leaves out from the driver, not from 9600 8N1", () => {
    const config = SerialTransportConfig.parse({ type: "serial", path: "/dev/ttyUSB0", settings: { baudRate: 19200 } });
    const made = createTransport(config, readout);
    expect(made).toBeInstanceOf(SerialTransport);
    expect((made as SerialTransport).settings).toEqual({
      baudRate: 19200,
      dataBits: 7,
      parity: "even",
      stopBits: 2,
      flowControl: "xonxoff",
    });
    expect(formatSerialSettings((made as SerialTransport).settings)).toBe("19200 7E2 xonxoff");
    expect(mergeSerialSettings(undefined, undefined)).toEqual(SerialSettings.parse({}));
  });

  it("opens the port with every line setting", async () => {
    const mock = new MockSerial();
    transport = await openOn(mock, mergeSerialSettings(readout.transport.serial, { parity: "odd", flowControl: "rtscts" }));
    expect(mock.last.openOptions).toMatchObject({
      path: "/dev/ttyMOCK0",
      baudRate: 2400,
      dataBits: 7,
      parity: "odd",
      stopBits: 2,
      rtscts: true,
      xon: false,
      xoff: false,
    });
  });

  it("writes exactly the command bytes with the driver's terminator, and reads replies split over chunks", async () => {
    const mock = new MockSerial();
    transport = await openOn(mock, SerialSettings.parse({}));
    const scpi = new ScpiSession(transport, { name: "cal1", terminator: "\r\n", timeoutMs: 1000 }, silentLogger);
    const idn = scpi.query("*IDN?");
    await vi.waitFor(() => expect(mock.last.recording.toString("latin1")).toBe("*IDN?\r\n"));
    mock.last.emitData("FLUKE,5522A,98");
    mock.last.emitData("76543,1.8\r\n");
    expect(await idn).toBe("FLUKE,5522A,9876543,1.8");
    await scpi.write("OUT 10 V");
    await vi.waitFor(() => expect(mock.last.recording.toString("latin1")).toBe("*IDN?\r\nOUT 10 V\r\n"));
  });

  it("reports a pulled cable as down with the reason, and reopens once the path is back", async () => {
    const mock = new MockSerial();
    transport = await openOn(mock, SerialSettings.parse({}));
    const scpi = new ScpiSession(transport, { name: "dmm1", terminator: "\n", timeoutMs: 1000 }, silentLogger);

    const down = next(transport, "down");
    mock.unplug();
    expect(await down).toBe("disconnected: Input/output error");
    expect(transport.isUp).toBe(false);

    // While the path is gone every reopening fails; the transport keeps trying with backoff.
    await new Promise((r) => setTimeout(r, 400));
    expect(mock.opened).toHaveLength(1);
    const up = next(transport, "up", 3000);
    mock.plugIn();
    await up;
    expect(mock.opened).toHaveLength(2);

    const reply = scpi.query("READ?");
    await vi.waitFor(() => expect(mock.last.recording.toString("latin1")).toBe("READ?\n"));
    mock.last.emitData("+1.00000120E+01\n");
    expect(await reply).toBe("+1.00000120E+01");
  });

  it("stops reopening once closed by the agent", async () => {
    const mock = new MockSerial();
    transport = await openOn(mock, SerialSettings.parse({}));
    const down = next(transport, "down");
    await transport.close();
    expect(await down).toBe("closed by agent");
    await new Promise((r) => setTimeout(r, 400));
    expect(mock.opened).toHaveLength(1);
    expect(mock.last.isOpen).toBe(false);
    expect(() => transport!.write("*IDN?\n")).toThrow(/not open/);
  });
});
