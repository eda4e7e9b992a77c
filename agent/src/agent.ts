import { type AgentHello, CLOCK_INSTRUMENT, PROTOCOL_VERSION } from "@telecal/protocols";
import type { AgentConfig } from "./config";
import { DriverCatalog } from "./drivers/catalog";
import { createInstrument } from "./instruments/factory";
import { PolledInstrument } from "./instruments/polled-instrument";
import type { InstrumentRuntime } from "./instruments/runtime";
import type { KeyObject } from "node:crypto";
import { type AgentCredential, loadCredential, loadDeviceKey } from "./enrol/credential";
import type { Logger } from "./log";
import { join } from "node:path";
import { JobHost } from "./runner/job-host";
import type { ReadingListener } from "./runner/bench-agent";
import { Outbox } from "./uplink/outbox";
import { Uplink, type UplinkTuning } from "./uplink/uplink";
import { CHECKPOINT_FILE } from "./uplink/checkpoint-keeper";
import { AGENT_VERSION } from "./version";
import { RemoteCommands } from "./control/remote-commands";

export type { ReadingListener };

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
  /** Commands of sessions' lease holders, as the server forwards them. */
  readonly commands: RemoteCommands;
  private readonly readingListeners = new Set<ReadingListener>();
  /** The jobs the server gives this agent, run on its bench. */
  readonly jobs: JobHost;

  constructor(
    private readonly config: AgentConfig,
    private readonly log: Logger,
    drivers: DriverCatalog = new DriverCatalog(config.driverPaths),
    options: AgentOptions = {},
  ) {
    this.instruments = config.instruments.map((c) => createInstrument(c, drivers, log));
    const file = options.outboxFile ?? (config.dataDir ? join(config.dataDir, "outbox.db") : ":memory:");
    if (file === ":memory:") log.warn({}, "no dataDir: the outbox is in memory and a restart loses what it holds");
    const retentionHours = config.outbox?.retentionHours;
    const retentionMs = retentionHours === undefined ? undefined : retentionHours * 3_600_000;
    this.outbox = new Outbox({ file, log, capacity: options.outboxCapacity, retentionMs, onCommit: () => this.uplink.kick() });
    // A measurement a job switched to before a restart: its readings still in the outbox keep their stream announced.
    for (const stream of this.outbox.unsentStreams()) {
      for (const i of this.instruments) if (i instanceof PolledInstrument && stream.startsWith(`${i.id}.`)) i.announce(stream.slice(i.id.length + 1));
    }
    const credential = options.credential ?? (config.dataDir ? loadCredential(config.dataDir) : null);
    if (credential === null) log.warn({}, "agent not enrolled: run `telecal agent enroll`; the server will refuse it");
    this.uplink = new Uplink({
      auth: credential ?? undefined,
      deviceKey: options.deviceKey ?? (config.dataDir ? loadDeviceKey(config.dataDir) : null) ?? undefined,
      checkpointFile: config.dataDir ? join(config.dataDir, CHECKPOINT_FILE) : undefined,
      ...(config.checkpointIntervalSeconds !== undefined ? { checkpointAskMs: config.checkpointIntervalSeconds * 1000 } : {}),
      ...options.uplink,
      serverUrl: config.server.url,
      hello: () => this.hello(),
      log,
      outbox: this.outbox,
    });
    this.commands = new RemoteCommands(this.instruments, log, new Set(config.instruments.filter((i) => i.remoteControl).map((i) => i.id)));
    this.uplink.onCommand((raw) => this.commands.execute(raw));
    this.uplink.onLeaseEpoch((raw) => this.commands.leaseEpoch(raw));
    this.uplink.onLinkLost((reason) => void this.commands.standbyRemote(reason));
    this.jobs = new JobHost(this, config.dataDir, log.child({ ns: "jobs" }));
    this.commands.useEnvelopes((jobId, instrument) => this.jobs.envelopeOf(jobId, instrument));
    this.uplink.onJobs((list) => this.jobs.take(list));
  }

  get id(): string {
    return this.config.agent.id;
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
    this.jobs.stop();
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
