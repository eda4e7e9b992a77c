import { budgetReport, evaluateBudget } from "@telecal/metrology";
import { type Command, InvalidArgumentError } from "commander";
import { readJsonFile } from "../read-json";

interface BudgetOptions {
  monteCarlo?: number;
  seed: number;
  interval: string;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("a whole number, 0 or more");
  return n;
}

/** `telecal budget FILE.json`: the law of propagation of uncertainty (GUM), optionally a Monte Carlo beside it; docs/uncertainty.md. */
export function budgetCommand(program: Command): void {
  program
    .command("budget")
    .description("evaluate an uncertainty budget (GUM law of propagation, Monte Carlo) / 测量不确定度评定")
    .argument("<file>", "the budget, JSON (docs/uncertainty.md)")
    .option("--monte-carlo <draws>", "also propagate distributions by Monte Carlo (JCGM 101) with this many draws", positiveInteger)
    .option("--seed <n>", "the Monte Carlo's random seed", positiveInteger, 1)
    .option("--interval <kind>", "Monte Carlo coverage interval: symmetric or shortest", "symmetric")
    .action((file: string, opts: BudgetOptions) => {
      if (opts.interval !== "symmetric" && opts.interval !== "shortest") throw new InvalidArgumentError("--interval is symmetric or shortest");
      const result = evaluateBudget(readJsonFile(file, "TC_ERR_BUDGET_INVALID"), {
        where: file,
        seed: opts.seed,
        interval: opts.interval,
        ...(opts.monteCarlo !== undefined ? { monteCarlo: opts.monteCarlo } : {}),
      });
      process.stdout.write(`${JSON.stringify(budgetReport(result), null, 2)}\n`);
    });
}
