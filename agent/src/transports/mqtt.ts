import { EventEmitter } from "node:events";
import { TelecalError } from "@telecal/protocols";
import { connect, type IClientOptions, type MqttClient } from "mqtt";
import { type Logger, silentLogger } from "../log";
import { backoffDelay, CLOSED_BY_AGENT } from "./transport";

/** The MQTT will: what the broker publishes for us when our link dies without a DISCONNECT. */
export interface MqttWill {
  topic: string;
  payload: Uint8Array;
  qos?: 0 | 1 | 2;
  retain?: boolean;
}

export interface MqttOptions {
  /** mqtt://host:port (mqtts:// and ws:// work too). */
  url: string;
  username?: string;
  password?: string;
  /** Defaults to a random "telecal-..." id. */
  clientId?: string;
  /**
   * Asked again before every CONNECT, because a will may change per session (the Sparkplug NDEATH
   * carries the bdSeq of the session it ends).
   */
  will?: () => MqttWill | undefined;
  /** PINGREQ period; a silent broker is declared gone after 1.5 times this. */
  keepaliveS?: number;
  connectTimeoutMs?: number;
  /** Reconnect backoff bounds (transport.ts backoffDelay). */
  backoffMinMs?: number;
  backoffMaxMs?: number;
  log?: Logger;
}

export type MqttMessageListener = (topic: string, payload: Buffer) => void;

/**
 * One connection to an MQTT broker, with the loss handling of the other transports: "down" with the
 * reason when the broker goes away, reconnect with backoff, and every subscription made again.
 * "up" is emitted once the subscriptions are acknowledged, so a listener may rely on them.
 * Each attempt uses a fresh client with a clean session: nothing is queued while down.
 */
export class MqttTransport extends EventEmitter {
  /** The broker URL without credentials, for messages. */
  readonly target: string;
  private client: MqttClient | null = null;
  private readonly filters = new Map<string, 0 | 1 | 2>();
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private closing = true;
  private up = false;
  private lastError = "";
  private reported = "";
  private readonly log: Logger;

  constructor(private readonly options: MqttOptions) {
    super();
    const url = new URL(options.url);
    url.username = "";
    url.password = "";
    this.target = url.toString().replace(/\/$/, "");
    this.log = (options.log ?? silentLogger).child({ ns: "mqtt", broker: this.target });
  }

  get isUp(): boolean {
    return this.up;
  }

  open(): void {
    if (!this.closing) return;
    this.closing = false;
    this.connect();
  }

  /** Subscribes now if connected, and again after every reconnect. Never rejects: a failure is logged. */
  async subscribe(filter: string, qos: 0 | 1 | 2 = 0): Promise<void> {
    this.filters.set(filter, qos);
    const client = this.client;
    if (!client || !this.up) return;
    try {
      await client.subscribeAsync(filter, { qos });
    } catch (err) {
      this.log.warn({ filter, err: (err as Error).message }, "subscribe failed; retried at the next connect");
    }
  }

  async publish(topic: string, payload: string | Uint8Array, options: { qos?: 0 | 1 | 2; retain?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (!client || !this.up) {
      throw new TelecalError("TC_ERR_TRANSPORT_CLOSED", { instrument: topic, target: this.target });
    }
    await client.publishAsync(topic, typeof payload === "string" ? payload : Buffer.from(payload), {
      qos: options.qos ?? 0,
      retain: options.retain ?? false,
    });
  }

  /**
   * Ends the session. `graceful` sends DISCONNECT, so the broker drops the will; without it the
   * socket is cut and the broker publishes the will, as when a device loses power.
   */
  async close(options: { graceful?: boolean } = {}): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    if (client) await client.endAsync(!(options.graceful ?? true)).catch(() => undefined);
    this.setDown(CLOSED_BY_AGENT);
  }

  override on(event: "up", listener: () => void): this;
  override on(event: "down", listener: (reason: string) => void): this;
  override on(event: "message", listener: MqttMessageListener): this;
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  private connect(): void {
    const options: IClientOptions = {
      clientId: this.options.clientId ?? `telecal-${Math.random().toString(16).slice(2, 10)}`,
      clean: true,
      keepalive: this.options.keepaliveS ?? 10,
      connectTimeout: this.options.connectTimeoutMs ?? 5000,
      // Reconnecting is ours (backoff, fresh will), not the library's fixed period.
      reconnectPeriod: 0,
      resubscribe: false,
    };
    if (this.options.username !== undefined) options.username = this.options.username;
    if (this.options.password !== undefined) options.password = this.options.password;
    const will = this.options.will?.();
    if (will) {
      options.will = { topic: will.topic, payload: Buffer.from(will.payload), qos: will.qos ?? 0, retain: will.retain ?? false };
    }
    const client = connect(this.options.url, options);
    this.client = client;
    client.on("connect", () => {
      if (this.client !== client) return;
      void this.subscribeAll(client);
    });
    client.on("message", (topic, payload) => {
      if (this.client === client) this.emit("message", topic, payload);
    });
    client.on("error", (err) => {
      this.lastError = err.message;
    });
    client.on("close", () => {
      if (this.client !== client) return;
      this.client = null;
      client.end(true);
      if (!this.up && this.lastError && this.lastError !== this.reported) {
        // Never connected (refused, not authorised): said once per reason, not at every attempt.
        this.reported = this.lastError;
        this.log.warn({ reason: this.lastError }, "cannot reach the broker; retrying");
      }
      this.setDown("connection closed");
      if (!this.closing) this.scheduleReconnect();
    });
  }

  private async subscribeAll(client: MqttClient): Promise<void> {
    try {
      for (const [filter, qos] of this.filters) await client.subscribeAsync(filter, { qos });
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, "subscribe failed; reconnecting");
      client.stream.destroy();
      return;
    }
    if (this.client !== client) return;
    this.attempt = 0;
    this.lastError = "";
    this.reported = "";
    this.up = true;
    this.log.info({}, "broker link up");
    this.emit("up");
  }

  private setDown(reason: string): void {
    if (!this.up) return;
    this.up = false;
    const why = this.lastError || reason;
    this.log[why === CLOSED_BY_AGENT ? "info" : "warn"]({ reason: why }, "broker link down");
    this.emit("down", why);
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.attempt++, this.options.backoffMinMs, this.options.backoffMaxMs);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.closing) this.connect();
    }, delay);
  }
}

/** Whether a topic matches a subscription filter with the MQTT wildcards `+` and `#`. */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}
