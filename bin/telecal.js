#!/usr/bin/env node
// The command line runs the bundle of the current sources (scripts/build-cli.js), one directory per
// inputs hash; a missing one is built first (a fraction of a second), so `npx telecal` after
// `npm install` or an edit runs the current source.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { cliInputsHash, cliOutDir } from "../scripts/stamp.js";

const hash = cliInputsHash();
const out = cliOutDir(hash);
process.setSourceMapsEnabled(true);
if (!existsSync(`${out}/main.js`)) {
  const { buildCli } = await import("../scripts/build-cli.js");
  await buildCli(hash);
}
await import(pathToFileURL(`${out}/main.js`).href);
