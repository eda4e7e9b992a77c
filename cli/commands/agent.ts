import { Agent, DriverCatalog, discoverSerial, formatSerialSettings, loadAgentConfig, type ProbeResult } from "@telecal/agent";
import { type Command, InvalidArgumentError } from "commander";
import { cliLogger } from "../logger";

interface AgentOptions {
  config?: string;
  discover?: boolean;
  port: string[];
  timeout: number;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new InvalidArgumentError("a timeout is a whole number of milliseconds");
  return ms;
}

/** One line per probe: path, line settings, then the identity (and its driver) or "no answer". */
function describeProbe(r: ProbeResult): string {
  const answer = r.identity === null ? `no answer${r.error ? ` (${r.error})` : ""}` : r.identity;
  const driver = r.driver ? `\t${r.driver}` : "";
  return `${r.path}\t${formatSerialSettings(r.settings)} ${JSON.stringify(r.terminator)} ${r.query}\t${answer}${driver}\n`;
}

export function agentCommand(program: Command): void {
  program
    .command("agent")
    .description("run the lab agent beside the bench / 运行实验室代理")
    .option("--config <file>", "agent configuration (YAML)")
    .option("--discover", "list serial ports and ask each instrument *IDN? / 发现串口仪器")
    .option("--port <path>", "with --discover: probe this path instead of the listed ports (repeatable)", collect, [])
    .option("--timeout <ms>", "with --discover: wait this long for each answer", parseMs, 500)
    .action(async (opts: AgentOptions, command: Command) => {
      if (opts.discover) {
        const config = opts.config ? loadAgentConfig(opts.config) : null;
        const results = await discoverSerial({
          drivers: new DriverCatalog(config?.driverPaths ?? []),
          paths: opts.port.length > 0 ? opts.port : undefined,
          timeoutMs: opts.timeout,
          onResult: (r) => process.stdout.write(describeProbe(r)),
        });
        if (results.length === 0) process.stdout.write("no serial ports found\n");
        return;
      }
      if (!opts.config) command.error("telecal agent needs --config <file> (or --discover)");
      const config = loadAgentConfig(opts.config);
      const agent = new Agent(config, cliLogger("agent"));
      agent.start();
      process.stdout.write(
        `telecal agent ${config.agent.id}: ${config.instruments.length} instrument(s) -> ${config.server.url}, outbox in ${config.dataDir}\n`,
      );
      const stop = () => void agent.stop().then(() => process.exit(0));
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
