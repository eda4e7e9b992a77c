import { generateKeyPairSync } from "node:crypto";
import {
  Agent,
  AgentConfig,
  createMqttSimulator,
  getMqttSimDefinition,
  getSimDefinition,
  type InstrumentSimulator,
  serveTcp,
  SimulatorGroup,
  type SimServer,
  startEmbeddedBroker,
} from "@telecal/agent";
import type { InstrumentRole } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";
import type { FastifyBaseLogger } from "fastify";

/**
 * The demo bench: a calibrator driving a DMM through a linked simulation, a balance, a pressure
 * controller, a reference thermometer readout and a digital thermometer on MQTT (both in the same
 * simulated bath), and an MQTT room sensor, all read by one demo agent as a county lab's would be.
 */
export const DEMO_TCP_BENCH = [
  { id: "cal1", sim: "fluke-5522a", role: "reference" },
  { id: "dmm1", sim: "keysight-34465a", role: "uut" },
  { id: "bal1", sim: "mettler-toledo-balance", role: "uut" },
  { id: "pace1", sim: "druck-pace", role: "reference" },
  { id: "ref1", sim: "hart-1524", role: "reference" },
] as const satisfies readonly { id: string; sim: string; role: InstrumentRole }[];
export const DEMO_MQTT_BENCH = [
  { id: "th-01", sim: "mqtt-env-sensor", driver: "mqtt-json-sensor", role: "reference", intervalMs: 2000 },
  // The digital thermometer under calibration: a sensor of the same kind, publishing faster.
  { id: "tm-01", sim: "mqtt-env-sensor", driver: "mqtt-json-sensor", role: "uut", intervalMs: 250 },
] as const satisfies readonly { id: string; sim: string; driver: string; role: InstrumentRole; intervalMs: number }[];

export const DEMO_ORGANISATION = { id: "demo-station", name: "演示县计量站 Demo county station", kind: "county-station" as const };
export const DEMO_AGENT = { id: "demo-lab", name: "演示实验室 Demo lab" };

export interface DemoLab {
  /** The demo agent now running (a new one after `restartAgent`). */
  readonly agent: Agent;
  /** Stops the agent and starts it again from its data dir, as a lab PC restarted would. */
  restartAgent(): Promise<Agent>;
  /** The simulators behind the bench, by the driver (definition) name. */
  simulators: SimulatorGroup;
  /** The MQTT sensors' simulators, by instrument id. */
  mqttSims: Map<string, ReturnType<typeof createMqttSimulator>>;
  /** Instrument id → driver name, of every instrument of the bench. */
  drivers: Map<string, string>;
  /** Instrument id → its role on the bench. */
  roles: Map<string, InstrumentRole>;
  brokerUrl: string;
  describe(): string;
  stop(): Promise<void>;
}

export interface DemoLabOptions {
  /** How often the agent polls each instrument. */
  pollMs?: number;
  /**
   * How much faster than real time the simulated instruments settle (a balance after a weight, a
   * controller after a new setpoint): 1 for watching the demo live, more for a quick demo run.
   */
  settleSpeedUp?: number;
  /** The agent's data dir (outbox, job journals); without it both live in memory only. */
  dataDir?: string;
}

/** Starts the simulators and the demo agent, enrolled in `server` with a device key made now. */
export async function startDemoLab(server: TelecalServer, log: FastifyBaseLogger, options: DemoLabOptions = {}): Promise<DemoLab> {
  const pollMs = options.pollMs ?? 250;
  const speedUp = options.settleSpeedUp ?? 1;
  await server.store.auth.createOrganisation(DEMO_ORGANISATION.id, DEMO_ORGANISATION.name, DEMO_ORGANISATION.kind);
  const deviceKey = generateKeyPairSync("ed25519");
  const publicKeyPem = deviceKey.publicKey.export({ type: "spki", format: "pem" }).toString();
  const credential = await server.store.auth.issueAgentCredential(DEMO_AGENT.id, DEMO_AGENT.name, DEMO_ORGANISATION.id, publicKeyPem);
  const origin = Date.now();
  const simulators = new SimulatorGroup({ now: () => origin + (Date.now() - origin) * speedUp, random: Math.random });
  const tcp: SimServer[] = await Promise.all(DEMO_TCP_BENCH.map((b) => serveTcp(simulators.add(getSimDefinition(b.sim)), "127.0.0.1", 0)));
  const broker = await startEmbeddedBroker({ port: 0, log });
  const mqttSims = new Map(
    DEMO_MQTT_BENCH.map((b) => {
      const sim = createMqttSimulator({ ...getMqttSimDefinition(b.sim), intervalMs: b.intervalMs }, { url: broker.url, deviceId: b.id });
      sim.start();
      return [b.id, sim] as const;
    }),
  );
  const config = AgentConfig.parse({
    version: 1,
    server: { url: `http://127.0.0.1:${new URL(server.url).port}` },
    agent: DEMO_AGENT,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    instruments: [
      ...DEMO_TCP_BENCH.map((b, i) => ({
        id: b.id,
        driver: b.sim,
        role: b.role,
        transport: { type: "tcp", host: "127.0.0.1", port: tcp[i]!.port },
        intervalMs: pollMs,
        // The demo bench lets its sources be set from a session (a real bench says so in its config).
        remoteControl: b.id === "cal1" || b.id === "pace1",
      })),
      ...DEMO_MQTT_BENCH.map((b) => ({ id: b.id, driver: b.driver, role: b.role, transport: { type: "mqtt", url: broker.url } })),
    ],
  });
  const newAgent = () =>
    new Agent(config, log.child({ ns: "demo-agent" }), undefined, {
      credential: { agentId: DEMO_AGENT.id, credential },
      deviceKey: deviceKey.privateKey,
    });
  let agent = newAgent();
  agent.start();
  const drivers = new Map<string, string>([...DEMO_TCP_BENCH.map((b) => [b.id, b.sim] as const), ...DEMO_MQTT_BENCH.map((b) => [b.id, b.driver] as const)]);
  const roles = new Map<string, InstrumentRole>([...DEMO_TCP_BENCH, ...DEMO_MQTT_BENCH].map((b) => [b.id, b.role]));
  return {
    get agent() {
      return agent;
    },
    async restartAgent() {
      await agent.stop();
      agent = newAgent();
      agent.start();
      return agent;
    },
    simulators,
    mqttSims,
    drivers,
    roles,
    brokerUrl: broker.url,
    describe: () => [...DEMO_TCP_BENCH.map((b) => `${b.id} (${b.sim})`), ...DEMO_MQTT_BENCH.map((b) => `${b.id} (${b.sim}, MQTT ${broker.url})`)].join(", "),
    async stop() {
      await agent.stop();
      await Promise.all([...mqttSims.values()].map((s) => s.stop()));
      await broker.close();
      await Promise.all(tcp.map((s) => s.close()));
      simulators.dispose();
    },
  };
}

/** The simulator behind an instrument of the bench (TCP instruments only). */
export function simulatorOf(lab: DemoLab, instrumentId: string): InstrumentSimulator | undefined {
  const driver = lab.drivers.get(instrumentId);
  return driver === undefined ? undefined : lab.simulators.get(driver);
}
