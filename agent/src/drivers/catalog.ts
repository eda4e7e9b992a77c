import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { TelecalError, validationError } from "@telecal/protocols";
import { parse } from "yaml";
import { DriverDefinition } from "./definition";

const BUILTIN_DIR = fileURLToPath(new URL("./defs/", import.meta.url));

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml") || f.endsWith(".json"))
    .map((f) => join(dir, f));
}

export function loadDriverFile(file: string): DriverDefinition {
  const parsed = DriverDefinition.safeParse(parse(readFileSync(file, "utf8")));
  if (!parsed.success) throw validationError(`driver definition ${file}`, parsed.error);
  return parsed.data;
}

/**
 * The drivers an agent knows: the built-in definitions plus those in the extra folders its config
 * names. A definition in an extra folder may replace a built-in one of the same name.
 */
export class DriverCatalog {
  private readonly drivers = new Map<string, DriverDefinition>();

  constructor(extraDirs: readonly string[] = []) {
    for (const dir of [BUILTIN_DIR, ...extraDirs]) {
      for (const file of yamlFiles(dir)) {
        const driver = loadDriverFile(file);
        this.drivers.set(driver.name, driver);
      }
    }
  }

  names(): string[] {
    return [...this.drivers.keys()].sort();
  }

  get(name: string): DriverDefinition {
    const driver = this.drivers.get(name);
    if (!driver) throw new TelecalError("TC_ERR_UNKNOWN_DRIVER", { name });
    return driver;
  }
}
