import { runCli } from "./run-cli";

// The exit code is set, not forced: servers, agents and simulators keep running until their signal.
process.exitCode = await runCli(process.argv.slice(2));
