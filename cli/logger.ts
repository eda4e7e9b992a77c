import { pino } from "pino";

/** The CLI's logger: JSON lines on stderr, level from TELECAL_LOG (default `level`). */
export function cliLogger(name: string, level = "info") {
  return pino({ name, level: process.env["TELECAL_LOG"] ?? level }, pino.destination(2));
}
