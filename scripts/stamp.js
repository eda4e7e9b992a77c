// Content hashes of a build's inputs, kept beside its output, so a build runs only when a source changed.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STAMP = ".build-stamp";
const SKIP = new Set(["node_modules", "dist", ".vite"]);

/** @param {string} path @returns {Generator<string>} */
function* filesUnder(path) {
  if (!existsSync(path)) return;
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const name of readdirSync(path).sort()) {
    if (!SKIP.has(name)) yield* filesUnder(join(path, name));
  }
}

/** One hash over the paths and contents of every file under these paths (relative to `root`, the repository's by default). */
/** @param {string[]} paths @param {string} [root] */
export function hashOf(paths, root = ROOT) {
  const h = createHash("sha256");
  for (const p of paths) {
    for (const file of filesUnder(join(root, p))) h.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return h.digest("hex");
}

const WORKSPACE_SOURCES = ["protocols/src", "metrology/src", "package-lock.json"];

/**
 * Where the CLI bundle of these inputs lives: one directory per inputs hash, made whole before it
 * appears (scripts/build-cli.js), so a process never imports a bundle another is still writing.
 * @param {string} hash
 */
export const cliOutDir = (hash) => join(ROOT, "dist", `cli-${hash.slice(0, 16)}`);

export const cliInputsHash = () => hashOf(["cli", "agent/src", "server/src", ...WORKSPACE_SOURCES, "scripts/build-cli.js", "scripts/stamp.js"]);
export const webInputsHash = () =>
  hashOf(["web/src", "web/index.html", "web/package.json", "web/vite.config.ts", "web/tsconfig.json", "web/public", ...WORKSPACE_SOURCES, "scripts/build-web.js", "scripts/stamp.js"]);

/**
 * A build is current when its output's entry file exists and its stamp is the inputs' hash now.
 * @param {string} outDir @param {string} entry @param {string} hash
 */
export function isCurrent(outDir, entry, hash) {
  return existsSync(join(outDir, entry)) && readStamp(outDir) === hash;
}

/** @param {string} outDir */
export function readStamp(outDir) {
  const file = join(outDir, STAMP);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

/** @param {string} outDir @param {string} hash */
export function writeStamp(outDir, hash) {
  writeFileSync(join(outDir, STAMP), `${hash}\n`);
}
