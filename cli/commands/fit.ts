import { fitStraightLine } from "@telecal/metrology";
import type { Command } from "commander";
import { readJsonFile } from "../read-json";

/** `telecal fit FILE.json`: a least-squares straight line with the uncertainties of GUM H.3; docs/uncertainty.md. */
export function fitCommand(program: Command): void {
  program
    .command("fit")
    .description("least-squares straight line with uncertainties (GUM H.3) / 最小二乘直线拟合")
    .argument("<file>", "{x: [...], y: [...], x0?, predict?: [...]}, JSON")
    .action((file: string) => {
      const f = fitStraightLine(readJsonFile(file, "TC_ERR_FIT_INVALID") as never, file);
      process.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
    });
}
