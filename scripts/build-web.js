#!/usr/bin/env node
// `npm start` and `npm test` build the web app first (prestart, pretest), but only when its sources,
// its config or the workspaces it imports changed since the last build: a restart no longer waits for
// Vite. `npm run build` always builds; `node scripts/build-web.js --force` does the same.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isCurrent, webInputsHash, writeStamp } from "./stamp.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WEB_OUT = resolve(ROOT, "web/dist");

/** Builds web/dist with Vite unless it is current; returns whether it built. */
export function buildWeb({ force = false, hash = webInputsHash() } = {}) {
  if (!force && isCurrent(WEB_OUT, "index.html", hash)) return false;
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["run", "build", "--workspace", "@telecal/web"], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) throw new Error(`web build failed (exit ${run.status ?? run.signal})`);
  // The hash taken before the build: a source edited during it makes the next start build again.
  writeStamp(WEB_OUT, hash);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const built = buildWeb({ force: process.argv.includes("--force") });
  process.stdout.write(built ? `telecal: web app built into web/dist in ${Date.now() - started} ms\n` : "telecal: web app is current (web/dist/.build-stamp)\n");
}
