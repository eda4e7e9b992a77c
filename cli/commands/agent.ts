import { Agent, DriverCatalog, discoverSerial, enrollAgent, formatSerialSettings, loadAgentConfig, type ProbeResult } from "@telecal/agent";
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
  // Options after `enroll` are the subcommand's own (both have --config).
  const agent = program.command("agent").enablePositionalOptions();
  agent
    .command("enroll")
    .description("enrol this agent with a one-time token from an admin / 用一次性令牌注册代理")
    .requiredOption("--server <url>", "the server, e.g. https://telecal.example.org")
    .requiredOption("--token <token>", "the enrolment token (POST /api/agents/enrolment-tokens)")
    .requiredOption("--config <file>", "agent configuration (YAML): its agent id, name and dataDir are used")
    .action(async (opts: { server: string; token: string; config: string }) => {
      const config = loadAgentConfig(opts.config);
      const dataDir = config.dataDir!;
      try {
        await enrollAgent({ serverUrl: opts.server, token: opts.token, config, dataDir });
      } catch (err) {
        process.stderr.write(`telecal agent enroll: ${(err as Error).message}\n`);
        process.exit(1);
      }
      process.stdout.write(`agent ${config.agent.id} enrolled at ${opts.server}; device key and credential in ${dataDir}\n`);
    });
  agent
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
