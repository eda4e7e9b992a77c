import { isTelecalError } from "@telecal/protocols";
import { Command, CommanderError } from "commander";
import { agentCommand } from "./commands/agent";
import { budgetCommand } from "./commands/budget";
import { calibrateCommand } from "./commands/calibrate";
import { certCommand } from "./commands/cert";
import { exportCommand } from "./commands/export";
import { fitCommand } from "./commands/fit";
import { serverCommand } from "./commands/server";
import { simCommand } from "./commands/sim";
import { verifyCommand } from "./commands/verify";
import { startCommand } from "./commands/start";
import { userCommand } from "./commands/user";

const program = new Command()
  .name("telecal")
  .description("远程校准协作平台 telecal: remote calibration collaboration platform")
  .showHelpAfterError()
  // `telecal agent enroll --config` and `telecal agent --config` each parse their own options.
  .enablePositionalOptions()
  .exitOverride();

startCommand(program);
serverCommand(program);
agentCommand(program);
simCommand(program);
verifyCommand(program);
userCommand(program);
exportCommand(program);
calibrateCommand(program);
budgetCommand(program);
fitCommand(program);
certCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  if (isTelecalError(err)) {
    process.stderr.write(`telecal: ${err.code}: ${err.message}\n`);
    process.exit(2);
  }
  throw err;
}
