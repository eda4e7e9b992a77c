import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "../fakes/bench";
import { accepting } from "./ports";
import { requireTool } from "./require-tool";

/** The configuration docs/operations.md gives: the test runs that very file, with its ports put in. */
export const NGINX_CONF = fileURLToPath(new URL("../../docs/nginx/telecal.conf", import.meta.url));

export interface Nginx {
  url: string;
  stop(): Promise<void>;
}

/** docs/nginx/telecal.conf with `listen 80` on `port` and its three upstreams on `upstreams`. */
export function telecalConf(port: number, upstreams: readonly number[]): string {
  const conf = readFileSync(NGINX_CONF, "utf8");
  const servers = conf.match(/server 127\.0\.0\.1:808\d/g) ?? [];
  if (servers.length !== upstreams.length) throw new Error(`${NGINX_CONF} has ${servers.length} upstream servers, the test ${upstreams.length}`);
  let i = 0;
  return conf.replace(/server 127\.0\.0\.1:808\d/g, () => `server 127.0.0.1:${upstreams[i++]}`).replace(/listen 80;/, `listen 127.0.0.1:${port};`);
}

/**
 * Debian's nginx as a load balancer in front of `upstreams`, in a folder of its own (no system
 * service, no root paths), in the foreground so that it dies with the test.
 */
export async function startNginx(port: number, upstreams: readonly number[]): Promise<Nginx> {
  const bin = requireTool("nginx", "/usr/sbin/nginx");
  const dir = mkdtempSync(join(tmpdir(), "telecal-nginx-"));
  // Its workers run as an unprivileged user when started as root: they must write their temp files.
  mkdirSync(join(dir, "tmp"), { mode: 0o777 });
  chmodSync(join(dir, "tmp"), 0o777);
  writeFileSync(join(dir, "telecal.conf"), telecalConf(port, upstreams));
  const temps = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${join(dir, "tmp", t)};`).join("\n");
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;\npid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "error.log")} warn;\nevents { worker_connections 4096; }\nhttp {\n  access_log off;\n${temps}\n  include ${join(dir, "telecal.conf")};\n}\n`,
  );
  const child: ChildProcess = spawn(bin, ["-p", dir, "-e", join(dir, "error.log"), "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`nginx listening on ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`nginx exited with ${child.exitCode}: ${stderr}${readFileSync(join(dir, "error.log"), "utf8")}`);
      return (await accepting(port)) ? true : undefined;
    }, 20_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
