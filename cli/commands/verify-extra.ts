import type { Command } from "commander";
import { type CheckOutcome, type LogAt, VERIFY_EXIT } from "./verify-exit";
import { checkFrom } from "./verify-from";
import { checkWitness } from "./verify-witness";

export interface ExtraVerifyOptions {
  from?: string;
  witness?: string[];
}

/** The checks of `telecal verify` against what is kept outside the log: a saved checkpoint, witnesses. */
export function addExtraVerifyOptions(command: Command): Command {
  return command
    .option("--from <file>", "a checkpoint saved earlier (GET /api/records/checkpoint as JSON): the log must still bear it out")
    .option("--witness <url>", "a witness server: every checkpoint it countersigned for this log must be borne out by it; repeatable", (url: string, all: string[] = []) => [...all, url]);
}

/** Runs the extra checks asked for; their lines, and the exit code of the whole run given the log's own. */
export async function runExtraChecks(opts: ExtraVerifyOptions, log: LogAt, logExit: number): Promise<{ text: string; exitCode: number }> {
  const outcomes: CheckOutcome[] = [];
  if (opts.from !== undefined) outcomes.push(await checkFrom(opts.from, log));
  for (const url of opts.witness ?? []) outcomes.push(await checkWitness(url, log));
  const text = outcomes.flatMap((o) => o.lines.map((l) => `${l}\n`)).join("");
  const exitCode = [logExit, ...outcomes.map((o) => o.exitCode)].find((c) => c !== VERIFY_EXIT.ok) ?? VERIFY_EXIT.ok;
  return { text, exitCode };
}
