import {
  Agent,
  AgentConfig,
  createMqttSimulator,
  getMqttSimDefinition,
  getSimDefinition,
  serveTcp,
  SimulatorGroup,
  startEmbeddedBroker,
} from "@telecal/agent";
import type { Command } from "commander";
import { addServerOptions, runServer, type ServerCliOptions } from "./server";

/**
 * The demo bench of `telecal start`: a calibrator (reference standard) driving a DMM (unit under
 * test) through a linked simulation, a balance, a pressure controller, and an MQTT room sensor on
 * the embedded broker, all read by one demo agent as a county lab's would be.
 */
const TCP_BENCH = [
  { id: "cal1", sim: "fluke-5522a", role: "reference" as const },
  { id: "dmm1", sim: "keysight-34465a", role: "uut" as const },
  { id: "bal1", sim: "mettler-toledo-balance", role: "uut" as const },
  { id: "pace1", sim: "druck-pace", role: "reference" as const },
];
const ROOM_SENSOR = { id: "th-01", sim: "mqtt-env-sensor", driver: "mqtt-json-sensor" };

export function startCommand(program: Command): void {
  addServerOptions(
    program.command("start").description("server, web app and a demo lab in one process / 一键启动演示平台"),
  ).action(async (opts: ServerCliOptions) => {
    const { server, dataDir, database } = await runServer(opts);
    const log = server.app.log.child({ ns: "demo" });
    const group = new SimulatorGroup();
    const sims = await Promise.all(TCP_BENCH.map((b) => serveTcp(group.add(getSimDefinition(b.sim)), "127.0.0.1", 0)));
    // The calibrator sources 10 V DC, as at the first point of a DCV calibration.
    group.get("fluke-5522a")?.handle("OUT 10 V");
    group.get("fluke-5522a")?.handle("OPER");
    const broker = await startEmbeddedBroker({ port: 0, log });
    const roomSensor = createMqttSimulator(getMqttSimDefinition(ROOM_SENSOR.sim), { url: broker.url, deviceId: ROOM_SENSOR.id });
    roomSensor.start();

    const config = AgentConfig.parse({
      version: 1,
      server: { url: `http://127.0.0.1:${new URL(server.url).port}` },
      agent: { id: "demo-lab", name: "演示实验室 Demo lab" },
      instruments: [
        ...TCP_BENCH.map((b, i) => ({
          id: b.id,
          driver: b.sim,
          role: b.role,
          transport: { type: "tcp", host: "127.0.0.1", port: sims[i]!.port },
          intervalMs: 250,
        })),
        { id: ROOM_SENSOR.id, driver: ROOM_SENSOR.driver, role: "reference", transport: { type: "mqtt", url: broker.url } },
      ],
    });
    const agent = new Agent(config, server.app.log.child({ ns: "demo-agent" }));
    agent.start();
    process.stdout.write(
      [
        "",
        `  远程校准协作平台 telecal 已启动 / is running: ${server.url}`,
        `  数据目录 / data dir: ${dataDir}`,
        `  数据库 / database: ${database}`,
        `  演示实验室 / demo lab: ${[...TCP_BENCH.map((b) => `${b.id} (${b.sim})`), `${ROOM_SENSOR.id} (${ROOM_SENSOR.sim}, MQTT ${broker.url})`].join(", ")}`,
        "",
      ].join("\n"),
    );
    const stop = async () => {
      await agent.stop();
      await roomSensor.stop();
      await broker.close();
      await Promise.all(sims.map((s) => s.close()));
      group.dispose();
      await server.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });
}
