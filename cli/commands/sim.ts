import { getSimDefinition, ScpiSimulator, serveTcp, simulatorNames } from "@telecal/agent";
import type { Command } from "commander";
import { parsePort } from "../options";

export function simCommand(program: Command): void {
  program
    .command("sim")
    .description("run a simulated instrument / 运行仪器模拟器")
    .argument("[name]", "simulator name (see --list)")
    .option("--list", "list the simulators")
    .option("--tcp <port>", "serve SCPI on this TCP port (0 picks one)", parsePort)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .action(async (name: string | undefined, opts: { list?: boolean; tcp?: number; host: string }) => {
      if (opts.list || name === undefined) {
        for (const n of simulatorNames()) {
          const def = getSimDefinition(n);
          process.stdout.write(`${n}\t${def.dialect}\ttcp ${def.defaultTcpPort}\t${def.title}\n`);
        }
        return;
      }
      const def = getSimDefinition(name);
      const server = await serveTcp(new ScpiSimulator(def), opts.host, opts.tcp ?? def.defaultTcpPort);
      process.stdout.write(`${name} listening on tcp://${server.host}:${server.port}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
