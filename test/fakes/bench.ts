import type { InstrumentConfig } from "@telecal/agent/config";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { createInstrument } from "@telecal/agent/instruments/factory";
import type { PolledInstrument } from "@telecal/agent/instruments/polled-instrument";
import type { RuntimeReading } from "@telecal/agent/instruments/runtime";
import { silentLogger } from "@telecal/agent/log";
import type { SimDefinition } from "@telecal/agent/simulators/definition";
import type { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { SimulatorGroup } from "@telecal/agent/simulators/group";
import { serveTcp, type SimServer } from "@telecal/agent/simulators/tcp-server";

export interface BenchInstrument {
  sim: InstrumentSimulator;
  server: SimServer;
  instrument: PolledInstrument;
  readings: RuntimeReading[];
  /** The stream of each reading, in step with `readings`. */
  streams: string[];
  changed: number;
}

/**
 * A bench of simulated instruments in one group (so linked signals work), each served on a free
 * loopback port and driven by the agent's own runtime through its driver, as in the lab.
 */
export class TestBench {
  readonly group = new SimulatorGroup();
  private readonly members: BenchInstrument[] = [];

  constructor(private readonly drivers = new DriverCatalog()) {}

  async add(definition: SimDefinition, driver: string, options: Partial<InstrumentConfig> = {}): Promise<BenchInstrument> {
    const sim = this.group.add(definition);
    const server = await serveTcp(sim, "127.0.0.1", 0);
    const config: InstrumentConfig = {
      id: options.id ?? definition.name,
      driver,
      role: options.role ?? "uut",
      transport: { type: "tcp", host: "127.0.0.1", port: server.port },
      intervalMs: options.intervalMs ?? 50,
      remoteControl: options.remoteControl ?? false,
      ...(options.measurement !== undefined ? { measurement: options.measurement } : {}),
    };
    const instrument = createInstrument(config, this.drivers, silentLogger) as PolledInstrument;
    const member: BenchInstrument = { sim, server, instrument, readings: [], streams: [], changed: 0 };
    instrument.start({
      reading: (stream, _unit, r) => {
        member.readings.push(r);
        member.streams.push(stream);
      },
      changed: () => member.changed++,
      now: () => Date.now(),
    });
    this.members.push(member);
    return member;
  }

  async close(): Promise<void> {
    for (const m of this.members) {
      await m.instrument.stop();
      await m.server.close();
    }
    this.group.dispose();
  }
}

/** Waits until `check` returns a value that is not undefined, or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
