import { type AgentHello, CLOCK_INSTRUMENT, PROTOCOL_VERSION } from "@telecal/protocols";
import type { AgentConfig } from "./config";
import { DriverCatalog } from "./drivers/catalog";
import { createInstrument } from "./instruments/factory";
import type { InstrumentRuntime, RuntimeReading } from "./instruments/runtime";
import type { KeyObject } from "node:crypto";
import { type AgentCredential, loadCredential, loadDeviceKey } from "./enrol/credential";
import type { Logger } from "./log";
import { join } from "node:path";
import { Outbox } from "./uplink/outbox";
import { Uplink, type UplinkTuning } from "./uplink/uplink";
import { AGENT_VERSION } from "./version";

export type ReadingListener = (instrumentId: string, streamId: string, unit: string, reading: RuntimeReading) => void;

export interface AgentOptions {
  /** The outbox file; by default `<dataDir>/outbox.db`, or in memory when the config has no dataDir. */
  outboxFile?: string;
  /** Most readings the outbox holds. */
  outboxCapacity?: number;
  uplink?: UplinkTuning;
  /** The agent's credential; by default the one `telecal agent enroll` stored in the dataDir. */
  credential?: AgentCredential;
  /** The Ed25519 device key that signs reading batches; by default `<dataDir>/device-key.pem`. */
  deviceKey?: KeyObject;
}

/**
 * The lab agent: runs the configured instruments and hands their readings to the uplink. One
 * failing instrument never stops the others.
 */
export class Agent {
  readonly uplink: Uplink;
  readonly outbox: Outbox;
  readonly instruments: InstrumentRuntime[];
  private readonly readingListeners = new Set<ReadingListener>();

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    drivers: DriverCatalog = new DriverCatalog(config.driverPaths),
    options: AgentOptions = {},
  ) {
    this.instruments = config.instruments.map((c) => createInstrument(c, drivers, log));
    const file = options.outboxFile ?? (config.dataDir ? join(config.dataDir, "outbox.db") : ":memory:");
    if (file === ":memory:") log.warn({}, "no dataDir: the outbox is in memory and a restart loses what it holds");
    this.outbox = new Outbox({ file, log, capacity: options.outboxCapacity, onCommit: () => this.uplink.kick() });
    const credential = options.credential ?? (config.dataDir ? loadCredential(config.dataDir) : null);
    if (credential === null) log.warn({}, "agent not enrolled: run `telecal agent enroll`; the server will refuse it");
    this.uplink = new Uplink({
      auth: credential ?? undefined,
      deviceKey: options.deviceKey ?? (config.dataDir ? loadDeviceKey(config.dataDir) : null) ?? undefined,
      ...options.uplink,
      serverUrl: config.server.url,
      hello: () => this.hello(),
      log,
      outbox: this.outbox,
    });
  }

  start(): void {
    for (const instrument of this.instruments) {
      instrument.start({
        reading: (streamId, unit, reading) => {
          this.uplink.push(instrument.id, streamId, unit, reading);
          for (const listener of this.readingListeners) listener(instrument.id, streamId, unit, reading);
        },
        changed: () => this.uplink.rehello(),
        now: () => this.uplink.now(),
      });
    }
    this.uplink.start();
  }

  /** Every reading as it is handed to the outbox (a job's read steps take theirs from here). */
  onReading(listener: ReadingListener): () => void {
    this.readingListeners.add(listener);
    return () => this.readingListeners.delete(listener);
  }

  async stop(): Promise<void> {
    await Promise.all(this.instruments.map((i) => i.stop()));
    await this.uplink.stop();
    this.outbox.close();
  }

  hello(): AgentHello {
    return {
      protocol: PROTOCOL_VERSION,
      agentId: this.config.agent.id,
      name: this.config.agent.name,
      software: `telecal-agent/${AGENT_VERSION}`,
      instruments: [...this.instruments.map((i) => i.describe()), CLOCK_INSTRUMENT],
    };
  }
}
