#!/usr/bin/env node
// Bundles the CLI (cli/main.ts and the @telecal/* workspaces it imports) into dist/cli/ as ESM with
// one chunk per lazily imported command; third-party packages stay external, loaded from node_modules.
import { readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cliInputsHash, writeStamp } from "./stamp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI_OUT = resolve(ROOT, "dist/cli");

/**
 * Source files find their data (driver defs, procedures, web/dist, package.json) relative to
 * import.meta.url; in the bundle that URL is the chunk's, so each use is rewritten to the source
 * file's URL, computed relative to dist/cli/ so the tree may move as a whole.
 */
/** @type {import("esbuild").Plugin} */
const sourceUrlPlugin = {
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/](protocols|metrology|agent|server|cli)[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(CLI_OUT, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "ts", resolveDir: dirname(args.path) };
    });
  },
};

/**
 * Workspace packages are bundled, and mathjs, so that tree shaking keeps only the factories the
 * engine's create() names (metrology/src/math.ts; about 2 s of CPU less per budget); every other
 * bare import is left to node_modules at run time.
 */
/** @param {string} path */
const BUNDLED = (path) => path.startsWith("@telecal/") || path === "mathjs";
/** @type {import("esbuild").Plugin} */
const externalPlugin = {
  name: "external-third-party",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (BUNDLED(args.path) ? undefined : { path: args.path, external: true }));
  },
};

export async function buildCli() {
  const started = Date.now();
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: "cli/main.ts" },
    outdir: CLI_OUT,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [externalPlugin, sourceUrlPlugin],
  });
  writeStamp(CLI_OUT, cliInputsHash());
  return Date.now() - started;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ms = await buildCli();
  process.stdout.write(`telecal: CLI built into dist/cli in ${ms} ms\n`);
}
