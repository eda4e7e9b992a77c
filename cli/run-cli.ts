import { isTelecalError } from "@telecal/protocols/errors";
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands";

export interface CliOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * What a command writes to and the exit code it sets: a command that takes it runs the same in
 * process (a test, through `runCli`) as spawned, without touching `process.exitCode`.
 */
export interface CliIo extends CliOutput {
  exitCode: number | undefined;
}

const PROCESS_OUTPUT: CliOutput = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };

/**
 * Runs `telecal ARGS` (argv without node and the script) and resolves to the exit code. Only the named
 * command's module is loaded; any other word (none, --help, a typo) gets the light stubs and the help.
 */
export async function runCli(args: readonly string[], output: CliOutput = PROCESS_OUTPUT): Promise<number> {
  const program = new Command()
    .name("telecal")
    .description("远程校准协作平台 telecal: remote calibration collaboration platform")
    .showHelpAfterError()
    // `telecal agent enroll --config` and `telecal agent --config` each parse their own options.
    .enablePositionalOptions()
    .exitOverride()
    // Subcommands inherit both: commander copies them onto each command added after this.
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr });
  const io: CliIo = { ...output, exitCode: undefined };
  const named = COMMANDS.find((c) => c.name === args[0]);
  if (named) {
    (await named.load())(program, io);
  } else {
    for (const c of COMMANDS) program.command(c.name).description(c.description);
  }
  try {
    await program.parseAsync([...args], { from: "user" });
    return io.exitCode ?? (typeof process.exitCode === "number" ? process.exitCode : 0);
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (isTelecalError(err)) {
      output.stderr(`telecal: ${err.code}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
