import { type AgentHello, PROTOCOL_VERSION } from "@telecal/protocols";
import type { AgentConfig } from "./config";
import { DriverCatalog } from "./drivers/catalog";
import { createInstrument } from "./instruments/factory";
import type { InstrumentRuntime } from "./instruments/runtime";
import type { Logger } from "./log";
import { Uplink } from "./uplink/uplink";
import { AGENT_VERSION } from "./version";

/**
 * The lab agent: runs the configured instruments and hands their readings to the uplink. One
 * failing instrument never stops the others.
 */
export class Agent {
  readonly uplink: Uplink;
  readonly instruments: InstrumentRuntime[];

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    drivers: DriverCatalog = new DriverCatalog(config.driverPaths),
  ) {
    this.instruments = config.instruments.map((c) => createInstrument(c, drivers, log));
    this.uplink = new Uplink({ serverUrl: config.server.url, hello: () => this.hello(), log });
  }

  start(): void {
    for (const instrument of this.instruments) {
      instrument.start({
        reading: (streamId, unit, reading) => this.uplink.push(instrument.id, streamId, unit, reading),
        changed: () => this.uplink.rehello(),
        now: () => this.uplink.now(),
      });
    }
    this.uplink.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.instruments.map((i) => i.stop()));
    await this.uplink.stop();
  }

  hello(): AgentHello {
    return {
      protocol: PROTOCOL_VERSION,
      agentId: this.config.agent.id,
      name: this.config.agent.name,
      software: `telecal-agent/${AGENT_VERSION}`,
      instruments: this.instruments.map((i) => i.describe()),
    };
  }
}
