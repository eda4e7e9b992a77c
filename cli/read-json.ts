import { readFileSync } from "node:fs";
import { TelecalError } from "@telecal/protocols";

/**
 * A JSON input file of a command: TC_ERR_CONFIG_READ when it cannot be read, `code` (the
 * command's own, e.g. TC_ERR_BUDGET_INVALID) when it is not JSON.
 */
export function readJsonFile(file: string, code: "TC_ERR_BUDGET_INVALID" | "TC_ERR_FIT_INVALID"): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new TelecalError("TC_ERR_CONFIG_READ", { file, reason: (err as Error).message });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new TelecalError(code, { file, path: "(root)", reason: `not JSON: ${(err as Error).message}` });
  }
}
