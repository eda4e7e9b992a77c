import { TelecalError } from "@telecal/protocols";
import { parse as parseYaml } from "yaml";
import { Procedure } from "./schema";

/**
 * A procedure from the text of its file (YAML, or JSON which is YAML). Every error names the file
 * and the first offending field, e.g. `points.2.mpe`, so the lab fixing it knows where to look.
 */
export function parseProcedure(text: string, file: string): Procedure {
  let raw: unknown;
  try {
    raw = parseYaml(text, { uniqueKeys: true });
  } catch (err) {
    throw new TelecalError("TC_ERR_PROCEDURE_INVALID", { file, path: "(file)", reason: (err as Error).message.split("\n")[0] });
  }
  const parsed = Procedure.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TelecalError("TC_ERR_PROCEDURE_INVALID", { file, path: issue.path.join(".") || "(top)", reason: issue.message });
  }
  return parsed.data;
}
