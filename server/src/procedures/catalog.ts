import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseProcedure, type Procedure } from "@telecal/metrology";
import { TelecalError } from "@telecal/protocols";

/** The procedures telecal ships (metrology/procedures/*.yaml). */
export const SHIPPED_PROCEDURES_DIR = fileURLToPath(new URL("../../../metrology/procedures", import.meta.url));

/**
 * The procedures in `dirs` by id, each file validated (a bad one stops the load, naming the file and
 * field: a lab must not run a procedure that was silently half-read). A later folder's procedure
 * replaces a shipped one of the same id, so a lab can adapt one without editing ours.
 */
export function loadProcedures(dirs: string[] = [SHIPPED_PROCEDURES_DIR]): Map<string, Procedure> {
  const procedures = new Map<string, Procedure>();
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort()) {
      const file = join(dir, name);
      const procedure = parseProcedure(readFileSync(file, "utf8"), file);
      procedures.set(procedure.id, procedure);
    }
  }
  return procedures;
}

export function getProcedure(procedures: Map<string, Procedure>, id: string): Procedure {
  const procedure = procedures.get(id);
  if (!procedure) throw new TelecalError("TC_ERR_UNKNOWN_PROCEDURE", { name: id, known: [...procedures.keys()].join(", ") });
  return procedure;
}
