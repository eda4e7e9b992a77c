import { Agent, loadAgentConfig } from "@telecal/agent";
import type { Command } from "commander";
import { cliLogger } from "../logger";

export function agentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the lab agent beside the bench / 运行实验室代理")
    .requiredOption("--config <file>", "agent configuration (YAML)")
    .action(async (opts: { config: string }) => {
      const config = loadAgentConfig(opts.config);
      const agent = new Agent(config, cliLogger("agent"));
      agent.start();
      process.stdout.write(
        `telecal agent ${config.agent.id}: ${config.instruments.length} instrument(s) -> ${config.server.url}\n`,
      );
      const stop = () => void agent.stop().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
