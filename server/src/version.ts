import { readFileSync } from "node:fs";
import { parseJson } from "@telecal/protocols";
import { z } from "zod";

// Only the version is read; the rest of package.json is not ours to check here.
const pkg = parseJson(z.object({ version: z.string() }), readFileSync(new URL("../package.json", import.meta.url), "utf8"), "package.json");

/** The server's release version, as reported by /api/health. */
export const SERVER_VERSION: string = pkg.version;
