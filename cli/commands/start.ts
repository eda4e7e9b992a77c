import { Agent, AgentConfig, getSimDefinition, ScpiSimulator, serveTcp } from "@telecal/agent";
import type { Command } from "commander";
import { addServerOptions, runServer, type ServerCliOptions } from "./server";

/** The demo bench of `telecal start`: simulated instruments served on loopback, read by a demo agent. */
const DEMO_BENCH = [{ id: "dmm1", sim: "keysight-34465a", driver: "keysight-34465a", role: "uut" as const }];

export function startCommand(program: Command): void {
  addServerOptions(
    program.command("start").description("server, web app and a demo lab in one process / 一键启动演示平台"),
  ).action(async (opts: ServerCliOptions) => {
    const { server, dataDir } = await runServer(opts);
    const sims = await Promise.all(
      DEMO_BENCH.map((b) => serveTcp(new ScpiSimulator(getSimDefinition(b.sim)), "127.0.0.1", 0)),
    );
    const config = AgentConfig.parse({
      version: 1,
      server: { url: `http://127.0.0.1:${new URL(server.url).port}` },
      agent: { id: "demo-lab", name: "演示实验室 Demo lab" },
      instruments: DEMO_BENCH.map((b, i) => ({
        id: b.id,
        driver: b.driver,
        role: b.role,
        transport: { type: "tcp" as const, host: "127.0.0.1", port: sims[i]!.port },
        intervalMs: 250,
      })),
    });
    const agent = new Agent(config, server.app.log.child({ ns: "demo-agent" }));
    agent.start();
    process.stdout.write(
      [
        "",
        `  远程校准协作平台 telecal 已启动 / is running: ${server.url}`,
        `  数据目录 / data dir: ${dataDir}`,
        `  演示实验室 / demo lab: ${DEMO_BENCH.map((b) => `${b.id} (${b.sim})`).join(", ")}`,
        "",
      ].join("\n"),
    );
    const stop = async () => {
      await agent.stop();
      await Promise.all(sims.map((s) => s.close()));
      await server.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });
}
