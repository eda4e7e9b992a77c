#!/usr/bin/env node
// Bundles the CLI (cli/main.ts and the @telecal/* workspaces it imports) into dist/cli-HASH/ as ESM
// with one chunk per lazily imported command; third-party packages stay external, loaded from node_modules.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { cliInputsHash, cliOutDir, writeStamp } from "./stamp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = resolve(ROOT, "dist");
/** Bundles of other sources are removed once this old: a process started on one has long loaded its chunks. */
const STALE_MS = 10 * 60_000;

/**
 * Source files find their data (driver defs, procedures, web/dist, package.json) relative to
 * import.meta.url; in the bundle that URL is the chunk's, so each use is rewritten to the source
 * file's URL, computed relative to dist/cli/ so the tree may move as a whole.
 */
/** @param {string} outDir @returns {import("esbuild").Plugin} */
const sourceUrlPlugin = (outDir) => ({
  name: "source-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /[\\/](protocols|metrology|agent|server|cli)[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(outDir, args.path).split("\\").join("/");
      return { contents: text.replaceAll("import.meta.url", `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: "ts", resolveDir: dirname(args.path) };
    });
  },
});

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

/**
 * Builds into a directory of its own, beside the final one (the same depth, so the same relative
 * URLs), and renames it into place whole: CLIs started together (a test suite's first spawns) never
 * import a chunk another is still writing. When two build the same sources, the first rename wins.
 * @param {string} [hash] the inputs' hash, when the caller has it already
 */
export async function buildCli(hash = cliInputsHash()) {
  const started = Date.now();
  const out = cliOutDir(hash);
  const tmp = join(DIST, `.cli-build-${process.pid}-${started}`);
  await build({
    absWorkingDir: ROOT,
    entryPoints: { main: "cli/main.ts" },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    logLevel: "warning",
    plugins: [externalPlugin, sourceUrlPlugin(tmp)],
  });
  writeStamp(tmp, hash);
  try {
    renameSync(tmp, out);
  } catch {
    rmSync(tmp, { recursive: true, force: true });
  }
  removeStale(out);
  return { ms: Date.now() - started, out };
}

/** @param {string} keep */
function removeStale(keep) {
  for (const name of readdirSync(DIST)) {
    const path = join(DIST, name);
    if (path === keep || !/^(cli-[0-9a-f]+|cli|\.cli-build-.*)$/.test(name)) continue;
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS || name === "cli") rmSync(path, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const hash = cliInputsHash();
  const { ms, out } = existsSync(join(cliOutDir(hash), "main.js")) ? { ms: 0, out: cliOutDir(hash) } : await buildCli(hash);
  process.stdout.write(`telecal: CLI ${ms === 0 ? "already built" : `built in ${ms} ms`} into ${relative(ROOT, out)}\n`);
}
