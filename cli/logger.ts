import { pino } from "pino";

/** The CLI's logger: JSON lines on stderr, level from TELECAL_LOG (default info). */
export function cliLogger(name: string) {
  return pino({ name, level: process.env["TELECAL_LOG"] ?? "info" }, pino.destination(2));
}
