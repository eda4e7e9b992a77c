import { type Logger, silentLogger } from "../../log";
import { MqttTransport, type MqttWill } from "../../transports/mqtt";
import type { MqttSimDefinition, MqttSimFaults } from "./definition";
import { realSignalEnvironment, type SignalEnvironment } from "./signal";

export interface MqttSimOptions {
  /** Broker: mqtt://host:port. */
  url: string;
  username?: string;
  password?: string;
  env?: SignalEnvironment;
  log?: Logger;
  /** Reconnect backoff bounds, small in tests. */
  backoffMinMs?: number;
  backoffMaxMs?: number;
}

/**
 * What the MQTT simulators share: a broker link that comes back after a loss, a publication per
 * interval while the link is up, and faults whose probabilities tests may change.
 */
export abstract class MqttPublisher<D extends MqttSimDefinition = MqttSimDefinition> {
  readonly transport: MqttTransport;
  readonly faults: MqttSimFaults;
  protected readonly env: SignalEnvironment;
  protected readonly log: Logger;
  protected readonly startedAt: number;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly definition: D,
    options: MqttSimOptions,
  ) {
    this.env = options.env ?? realSignalEnvironment;
    this.log = (options.log ?? silentLogger).child({ sim: definition.name });
    this.startedAt = this.env.now();
    this.faults = { ...definition.faults };
    this.transport = new MqttTransport({
      url: options.url,
      username: options.username,
      password: options.password,
      clientId: `telecal-sim-${definition.name}-${Math.random().toString(16).slice(2, 8)}`,
      will: () => this.will(),
      backoffMinMs: options.backoffMinMs,
      backoffMaxMs: options.backoffMaxMs,
      log: this.log,
    });
    this.transport.on("up", () => void this.onUp());
  }

  /** The will to register at each connect, if the device has one. */
  protected will(): MqttWill | undefined {
    return undefined;
  }

  /** Called once the link is up and subscribed. */
  protected async onUp(): Promise<void> {}

  /** One periodic publication. */
  abstract publishNow(): Promise<void>;

  start(): void {
    this.transport.open();
    this.timer = setInterval(() => {
      if (this.transport.isUp) void this.publishNow().catch((err: Error) => this.log.debug({ err: err.message }, "publish failed"));
    }, this.definition.intervalMs);
  }

  /** Resolves once connected to the broker (null: however long it takes); the error names the broker. */
  ready(timeoutMs: number | null = 10_000): Promise<void> {
    if (this.transport.isUp) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? undefined
          : setTimeout(
              () => reject(new Error(`simulator ${this.definition.name}: no connection to ${this.transport.target} within ${timeoutMs} ms`)),
              timeoutMs,
            );
      this.transport.once("up", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops publishing and disconnects cleanly. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beforeStop();
    await this.transport.close({ graceful: true });
  }

  /** Drops the link without DISCONNECT, as a device that loses power: the broker sends the will. */
  async kill(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.transport.close({ graceful: false });
  }

  protected async beforeStop(): Promise<void> {}

  protected chance(p: number): boolean {
    return p > 0 && this.env.random() < p;
  }

  protected garbage(): Uint8Array {
    const bytes = new Uint8Array(8 + Math.floor(this.env.random() * 24));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.env.random() * 256);
    return bytes;
  }
}
