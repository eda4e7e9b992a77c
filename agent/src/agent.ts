import { type AgentHello, type InstrumentDescriptor, PROTOCOL_VERSION } from "@telecal/protocols";
import type { AgentConfig, InstrumentConfig } from "./config";
import { getDriver } from "./drivers/catalog";
import type { Logger } from "./log";
import { type Identity, ScpiInstrument } from "./scpi-instrument";
import { TcpTransport } from "./transports/tcp";
import { Uplink } from "./uplink/uplink";
import { AGENT_VERSION } from "./version";

interface Bench {
  config: InstrumentConfig;
  instrument: ScpiInstrument;
  measurement: string;
  identity: Identity | null;
  timer: NodeJS.Timeout | null;
  lastError: string | null;
}

/**
 * The lab agent: drives the configured instruments, samples each at its interval, and hands the
 * readings to the uplink. One failing instrument never stops the others.
 */
export class Agent {
  readonly uplink: Uplink;
  private readonly benches: Bench[];
  private running = false;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
  ) {
    this.benches = config.instruments.map((c) => {
      const driver = getDriver(c.driver);
      const transport = new TcpTransport({ host: c.transport.host, port: c.transport.port });
      const instrument = new ScpiInstrument(c.id, driver, transport, log.child({ instrument: c.id }));
      return {
        config: c,
        instrument,
        measurement: c.measurement ?? driver.defaultMeasurement,
        identity: null,
        timer: null,
        lastError: null,
      };
    });
    for (const b of this.benches) b.instrument.measurement(b.measurement);
    this.uplink = new Uplink({ serverUrl: config.server.url, hello: () => this.hello(), log });
  }

  start(): void {
    this.running = true;
    for (const bench of this.benches) {
      bench.instrument.transport.on("up", () => {
        this.log.info({ instrument: bench.config.id, target: bench.instrument.transport.target }, "instrument link up");
        void this.identify(bench);
      });
      bench.instrument.transport.on("down", (reason) =>
        this.log.warn({ instrument: bench.config.id, reason }, "instrument link down"),
      );
      bench.instrument.transport.open();
      this.schedule(bench, 0);
    }
    this.uplink.start();
  }

  async stop(): Promise<void> {
    this.running = false;
    for (const bench of this.benches) {
      if (bench.timer) clearTimeout(bench.timer);
      await bench.instrument.transport.close();
    }
    await this.uplink.stop();
  }

  hello(): AgentHello {
    return {
      protocol: PROTOCOL_VERSION,
      agentId: this.config.agent.id,
      name: this.config.agent.name,
      software: `telecal-agent/${AGENT_VERSION}`,
      instruments: this.benches.map((b) => this.describe(b)),
    };
  }

  private describe(bench: Bench): InstrumentDescriptor {
    const m = bench.instrument.measurement(bench.measurement);
    return {
      id: bench.config.id,
      driver: bench.config.driver,
      role: bench.config.role,
      maker: bench.identity?.maker ?? "",
      model: bench.identity?.model ?? "",
      serial: bench.identity?.serial ?? "",
      firmware: bench.identity?.firmware ?? "",
      streams: [{ id: `${bench.config.id}.${bench.measurement}`, quantity: m.quantity, unit: m.unit }],
    };
  }

  private async identify(bench: Bench): Promise<void> {
    try {
      const identity = await bench.instrument.identify();
      if (!bench.instrument.driver.identity.test(`${identity.maker},${identity.model},`)) {
        this.log.warn({ instrument: bench.config.id, identity }, "instrument does not match its driver");
      }
      const changed = JSON.stringify(identity) !== JSON.stringify(bench.identity);
      bench.identity = identity;
      if (changed) this.uplink.rehello();
    } catch (err) {
      this.log.warn({ instrument: bench.config.id, err: (err as Error).message }, "identify failed");
    }
  }

  private schedule(bench: Bench, delayMs: number): void {
    if (!this.running) return;
    bench.timer = setTimeout(() => void this.sample(bench), delayMs);
  }

  private async sample(bench: Bench): Promise<void> {
    const started = Date.now();
    if (bench.instrument.transport.isUp) {
      try {
        const m = bench.instrument.measurement(bench.measurement);
        const reading = await bench.instrument.read(bench.measurement);
        this.uplink.push(bench.config.id, `${bench.config.id}.${bench.measurement}`, m.unit, {
          t: this.uplink.now(),
          ...reading,
        });
        bench.lastError = null;
      } catch (err) {
        const message = (err as Error).message;
        // Log a failure once, not at every sample, so a dead instrument does not flood the log.
        if (message !== bench.lastError) this.log.warn({ instrument: bench.config.id, err: message }, "read failed");
        bench.lastError = message;
      }
    }
    const interval = bench.config.intervalMs;
    this.schedule(bench, Math.max(0, interval - (Date.now() - started)));
  }
}
