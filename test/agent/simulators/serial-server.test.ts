import { afterEach, describe, expect, it, vi } from "vitest";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { type SerialSimServer, serveSerial } from "@telecal/agent/simulators/serial-server";
import { MockSerial } from "../../fakes/mock-serial";

describe("serveSerial: a simulator on a serial port (@serialport/binding-mock)", () => {
  let server: SerialSimServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it("opens the port with the instrument's line settings", async () => {
    const mock = new MockSerial("/dev/ttySIM0");
    const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"));
    server = await serveSerial(sim, mock.path, { settings: { baudRate: 2400, parity: "even", dataBits: 7 }, binding: mock.binding });
    expect(mock.last.openOptions).toMatchObject({ baudRate: 2400, parity: "even", dataBits: 7, stopBits: 1, rtscts: false });
  });

  it("answers commands ending in LF or CR LF, with the definition's terminator, one at a time", async () => {
    const mock = new MockSerial("/dev/ttySIM0");
    const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"));
    server = await serveSerial(sim, mock.path, { binding: mock.binding });
    mock.last.emitData("*IDN?\r\nSYST:E");
    mock.last.emitData('RR?\nBOGUS\nSYST:ERR?\n');
    const expected = `${sim.definition.identity}\n+0,"No error"\n-113,"Undefined header"\n`;
    await vi.waitFor(() => expect(mock.last.recording.toString("latin1")).toBe(expected));
  });

  it("writes a binary block reply byte for byte", async () => {
    const mock = new MockSerial("/dev/ttySIM0");
    const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"));
    server = await serveSerial(sim, mock.path, { binding: mock.binding });
    mock.last.emitData("R? 2\n");
    await vi.waitFor(() => expect(mock.last.recording).toHaveLength("#216".length + 16 + 1));
    const wire = mock.last.recording;
    expect(wire.subarray(0, 4).toString("latin1")).toBe("#216");
    expect(wire.readDoubleBE(4)).toBeCloseTo(10, 3);
    expect(wire.at(-1)).toBe(0x0a);
  });
});
