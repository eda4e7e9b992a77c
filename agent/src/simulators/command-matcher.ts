import type { SimCommand, SimDefinition } from "./definition";
import { compileHeader } from "./scpi-header";

/** A definition's command with the way to match it: the captured parameters, or null for no match. */
export interface CompiledCommand {
  matches(header: string): string[] | null;
  command: SimCommand;
}

/**
 * SCPI headers match in short or long form; other dialects match a whole line, or a regular
 * expression (a header starting with '^') whose groups are the parameters.
 */
export function compileCommand(dialect: SimDefinition["dialect"], command: SimCommand): CompiledCommand {
  if (dialect === "scpi") {
    const matcher = compileHeader(command.header);
    return { command, matches: (header) => (matcher.test(header) ? [] : null) };
  }
  if (command.header.startsWith("^")) {
    const matcher = new RegExp(command.header);
    return { command, matches: (line) => matcher.exec(line)?.slice(1).map((g) => g ?? "") ?? null };
  }
  return { command, matches: (line) => (line === command.header ? [] : null) };
}
