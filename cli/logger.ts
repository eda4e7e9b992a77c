import { pino } from "pino";
import { PinoPretty } from "pino-pretty";

/** How the CLI's log lines look: one line a person reads, or JSON lines for a log collector. */
export type LogFormat = "pretty" | "json";

/**
 * The format asked for (`--log-format`, else TELECAL_LOG_FORMAT); without either, readable lines
 * when stderr is a terminal and JSON when it is not (a pipe, a file, systemd's journal).
 */
export function logFormatOf(asked?: string, env: NodeJS.ProcessEnv = process.env, tty = Boolean(process.stderr.isTTY)): LogFormat {
  const value = asked ?? (env["TELECAL_LOG_FORMAT"] || undefined);
  if (value === undefined) return tty ? "pretty" : "json";
  if (value !== "pretty" && value !== "json") throw new Error(`--log-format ${value}: give pretty or json`);
  return value;
}

/** The CLI's logger on stderr, level from TELECAL_LOG (default `level`), in the format of logFormatOf. */
export function cliLogger(name: string, level = "info", format: LogFormat = logFormatOf()) {
  const options = { name, level: process.env["TELECAL_LOG"] ?? level };
  if (format === "json") return pino(options, pino.destination(2));
  // Synchronous, so that a line logged just before the banner is printed before it.
  const pretty = PinoPretty({ destination: 2, sync: true, colorize: Boolean(process.stderr.isTTY), translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname", singleLine: true });
  return pino(options, pretty);
}
