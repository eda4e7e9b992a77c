#!/usr/bin/env node
// The command line runs the bundle in dist/cli (scripts/build-cli.js); a missing or stale bundle is
// rebuilt first (a fraction of a second), so `npx telecal` after `npm install` runs the current source.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cliInputsHash, readStamp } from "../scripts/stamp.js";

const OUT = fileURLToPath(new URL("../dist/cli/", import.meta.url));
process.setSourceMapsEnabled(true);
if (!existsSync(`${OUT}main.js`) || readStamp(OUT) !== cliInputsHash()) {
  const { buildCli } = await import("../scripts/build-cli.js");
  await buildCli();
}
await import("../dist/cli/main.js");
