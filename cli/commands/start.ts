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
import { generateKeyPairSync } from "node:crypto";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DATABASE_FILE, type TelecalServer } from "@telecal/server";
import type { Command } from "commander";
import { createDemoRegistry } from "./demo-registry";
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

const DEMO_ORGANISATION = { id: "demo-station", name: "演示县计量站 Demo county station", kind: "county-station" as const };
const DEMO_ROLES = ["admin", "expert", "technician", "trainer", "trainee"] as const;
const DEMO_AGENT = { id: "demo-lab", name: "演示实验室 Demo lab" };

/** Demo users, each with password `demo`: only in a data dir created just now, never in a real one. */
async function createDemoUsers(server: TelecalServer): Promise<void> {
  await server.store.auth.createOrganisation(DEMO_ORGANISATION.id, DEMO_ORGANISATION.name, DEMO_ORGANISATION.kind);
  for (const role of DEMO_ROLES) {
    await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username: role, displayName: role, role, password: "demo" });
  }
}

export function startCommand(program: Command): void {
  addServerOptions(
    program.command("start").description("server, web app and a demo lab in one process / 一键启动演示平台"),
  ).action(async (opts: ServerCliOptions) => {
    const databaseGiven = opts.database !== undefined || Boolean(process.env["DATABASE_URL"]);
    const freshDataDir = !databaseGiven && !existsSync(join(resolve(opts.dataDir), DATABASE_FILE));
    const { server, dataDir, database } = await runServer(opts);
    if (freshDataDir) await createDemoUsers(server);
    // The demo agent runs in this process: it is enrolled directly through the store, with a device
    // key made for this run (its public key registered, so that its batches are verified as any agent's).
    await server.store.auth.createOrganisation(DEMO_ORGANISATION.id, DEMO_ORGANISATION.name, DEMO_ORGANISATION.kind);
    const deviceKey = generateKeyPairSync("ed25519");
    const publicKeyPem = deviceKey.publicKey.export({ type: "spki", format: "pem" }).toString();
    const credential = await server.store.auth.issueAgentCredential(DEMO_AGENT.id, DEMO_AGENT.name, DEMO_ORGANISATION.id, publicKeyPem);
    // The demo lab's instruments and certificates, bound to the demo agent: a new data dir only.
    const registered = freshDataDir ? await createDemoRegistry(server, DEMO_ORGANISATION.id, DEMO_AGENT.id) : [];
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
      agent: DEMO_AGENT,
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
    const agent = new Agent(config, server.app.log.child({ ns: "demo-agent" }), undefined, {
      credential: { agentId: DEMO_AGENT.id, credential },
      deviceKey: deviceKey.privateKey,
    });
    agent.start();
    process.stdout.write(
      [
        "",
        `  远程校准协作平台 telecal 已启动 / is running: ${server.url}`,
        `  数据目录 / data dir: ${dataDir}`,
        `  数据库 / database: ${database}`,
        freshDataDir
          ? `  演示用户 / demo users (new data dir): ${DEMO_ROLES.join(", ")}; 密码 / password: demo`
          : "  未创建演示用户 / no demo users created (existing data dir)",
        registered.length > 0
          ? `  登记的仪器 / registered instruments (new data dir): ${registered.join(", ")}; PACE5000 证书 12 天后到期 / certificate due in 12 days`
          : "  未登记演示仪器 / no demo instruments registered (existing data dir)",
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
