import { parseJsonPath, setAt } from "../../dialects/mqtt-json";
import type { MqttJsonSimDefinition } from "./definition";
import { MqttPublisher, type MqttSimOptions } from "./publisher";
import { sampleSignal } from "./signal";

/** A sensor that publishes a JSON message per interval on its topic (温湿度传感器 and the like). */
export class MqttJsonSimulator extends MqttPublisher<MqttJsonSimDefinition> {
  readonly topic: string;
  private readonly nominals = new Map<string, number>();

  constructor(definition: MqttJsonSimDefinition, options: MqttSimOptions & { deviceId?: string }) {
    super(definition, options);
    this.topic = definition.topic.replaceAll("{id}", options.deviceId ?? definition.deviceId);
  }

  /** Moves a field's nominal value, as when a demo puts the sensor into a bath at another temperature. */
  setNominal(field: string, nominal: number): void {
    if (!this.definition.fields[field]) throw new Error(`${this.definition.name} has no field ${field}`);
    this.nominals.set(field, nominal);
  }

  /** One message as the device writes it. */
  message(): Record<string, unknown> {
    const d = this.definition;
    const message: Record<string, unknown> = structuredClone(d.extra);
    if (d.time) {
      const now = this.env.now();
      const stamp = d.time.format === "iso" ? new Date(now).toISOString() : d.time.format === "ms" ? now : Math.floor(now / 1000);
      setAt(message, parseJsonPath(d.time.path), stamp);
    }
    for (const [name, field] of Object.entries(d.fields)) {
      const signal = { ...field.signal, nominal: this.nominals.get(name) ?? field.signal.nominal };
      setAt(message, parseJsonPath(field.path), sampleSignal(signal, this.startedAt, this.env));
      if (field.unitPath !== undefined) setAt(message, parseJsonPath(field.unitPath), field.unit);
    }
    return message;
  }

  override async publishNow(): Promise<void> {
    const payload = this.chance(this.faults.garbage) ? this.garbage() : JSON.stringify(this.message());
    await this.transport.publish(this.topic, payload);
  }

  protected override async onUp(): Promise<void> {
    await this.publishNow().catch(() => undefined);
  }
}
