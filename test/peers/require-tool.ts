import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/**
 * Returns the path of a system tool the test needs, or throws naming `npm run setup`: a missing
 * peer fails the test loudly, it never skips it.
 */
export function requireTool(name: string, path?: string): string {
  if (path !== undefined) {
    if (existsSync(path)) return path;
  } else {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim();
    } catch {
      // fall through to the error below
    }
  }
  throw new Error(`${name} is not installed on this machine: run \`npm run setup\` first`);
}
