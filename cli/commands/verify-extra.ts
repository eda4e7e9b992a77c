import type { Command } from "commander";
import { type CheckOutcome, type LogAt, VERIFY_EXIT } from "./verify-exit";
import { checkFrom } from "./verify-from";

export interface ExtraVerifyOptions {
  from?: string;
}

/** The checks of `telecal verify` against what is kept outside the log: a saved checkpoint. */
export function addExtraVerifyOptions(command: Command): Command {
  return command.option("--from <file>", "a checkpoint saved earlier (GET /api/records/checkpoint as JSON): the log must still bear it out");
}

/** Runs the extra checks asked for; their lines, and the exit code of the whole run given the log's own. */
export async function runExtraChecks(opts: ExtraVerifyOptions, log: LogAt, logExit: number): Promise<{ text: string; exitCode: number }> {
  const outcomes: CheckOutcome[] = [];
  if (opts.from !== undefined) outcomes.push(await checkFrom(opts.from, log));
  const text = outcomes.flatMap((o) => o.lines.map((l) => `${l}\n`)).join("");
  const exitCode = [logExit, ...outcomes.map((o) => o.exitCode)].find((c) => c !== VERIFY_EXIT.ok) ?? VERIFY_EXIT.ok;
  return { text, exitCode };
}
