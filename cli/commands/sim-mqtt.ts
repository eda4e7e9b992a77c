import { createMqttSimulator, getMqttSimDefinition, mqttSimulatorNames, simulatorNames } from "@telecal/agent";

export interface MqttSimCliOptions {
  mqtt?: string;
  id?: string;
}

const DEFAULT_BROKER = "mqtt://127.0.0.1:1883";

/** Lines of `telecal sim --list` for the MQTT devices: name, dialect, transport, title. */
export function mqttSimLines(): string[] {
  return mqttSimulatorNames().map((n) => {
    const def = getMqttSimDefinition(n);
    return `${n}\t${def.dialect}\tmqtt\t${def.title}\n`;
  });
}

export function isMqttSim(name: string): boolean {
  return mqttSimulatorNames().includes(name);
}

/** Runs an MQTT device simulator until SIGINT or SIGTERM; a clean stop publishes its death. */
export async function runMqttSim(name: string, opts: MqttSimCliOptions): Promise<void> {
  if (!isMqttSim(name) && simulatorNames().includes(name)) {
    process.stderr.write(`telecal sim: ${name} does not publish over MQTT: use --tcp or --pty\n`);
    process.exit(2);
  }
  const sim = createMqttSimulator(getMqttSimDefinition(name), { url: opts.mqtt ?? DEFAULT_BROKER, deviceId: opts.id });
  sim.start();
  const waiting = setTimeout(() => process.stderr.write(`telecal sim: waiting for the broker at ${sim.transport.target}\n`), 2000);
  let stopping = false;
  sim.transport.on("down", (reason) => {
    if (!stopping) process.stderr.write(`telecal sim: broker link down: ${reason}\n`);
  });
  const stop = () => {
    stopping = true;
    void sim.stop().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  await sim.ready(null);
  clearTimeout(waiting);
  process.stdout.write(`${name} publishing to ${sim.transport.target}\n`);
}
