import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../fakes/bench";
import { freePort } from "./ports";
import { requireTool } from "./require-tool";

/** Where Debian's janus package keeps its plugins and transports. */
const JANUS_LIB = "/usr/lib/x86_64-linux-gnu/janus";

export interface Janus {
  /** The Janus API over HTTP: http://127.0.0.1:<port>/janus */
  url: string;
  /** The one address Janus gathers ICE candidates on. */
  iceAddress: string;
  /** The admin API over HTTP: http://127.0.0.1:<port>/admin */
  adminUrl: string;
  adminSecret: string;
  /** The VideoRoom plugin's admin_key: only a holder creates rooms. */
  roomAdminKey: string;
  /** Janus's log so far, for a failing test's message. */
  log(): string;
  /** Stops Janus and starts it again on the same ports and config: its rooms are gone. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * janus.jcfg and the two files it reads, for one test. Only the HTTP transport and the VideoRoom
 * plugin load (their folders hold just those two libraries); ICE gathers on this machine's own
 * address only and no STUN server is named, so Janus never reaches beyond this machine.
 */
function writeConfig(dir: string, ports: { http: number; admin: number; rtpMin: number }, secrets: { admin: string; roomAdminKey: string }, iceAddress: string): void {
  for (const [folder, lib] of [
    ["plugins", "libjanus_videoroom.so"],
    ["transports", "libjanus_http.so"],
  ] as const) {
    mkdirSync(join(dir, folder));
    symlinkSync(join(JANUS_LIB, folder, lib), join(dir, folder, lib));
  }
  mkdirSync(join(dir, "events"));
  mkdirSync(join(dir, "loggers"));
  writeFileSync(
    join(dir, "janus.jcfg"),
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${join(dir, "plugins")}"
  transports_folder = "${join(dir, "transports")}"
  events_folder = "${join(dir, "events")}"
  loggers_folder = "${join(dir, "loggers")}"
  debug_level = 4
  admin_secret = "${secrets.admin}"
  server_name = "telecal-test"
  session_timeout = 60
}
certificates: {}
media: {
  rtp_port_range = "${ports.rtpMin}-${ports.rtpMin + 999}"
}
nat: {
  ice_enforce_list = "${iceAddress}"
  ignore_mdns = true
  nice_debug = false
}
plugins: {}
transports: {}
loggers: {}
events: {}
`,
  );
  writeFileSync(
    join(dir, "janus.transport.http.jcfg"),
    `general: {
  json = "compact"
  base_path = "/janus"
  http = true
  ip = "127.0.0.1"
  port = ${ports.http}
  https = false
}
admin: {
  admin_base_path = "/admin"
  admin_http = true
  admin_ip = "127.0.0.1"
  admin_port = ${ports.admin}
  admin_https = false
}
cors: {}
`,
  );
  writeFileSync(
    join(dir, "janus.plugin.videoroom.jcfg"),
    `general: {
  admin_key = "${secrets.roomAdminKey}"
  lock_rtp_forward = true
}
`,
  );
}

/**
 * Janus never gathers on a loopback interface (ice.c skips IFF_LOOPBACK), so ICE runs on this
 * machine's own IPv4 address: packets to it stay inside the kernel, as on loopback.
 */
export function ownAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const own = addresses?.find((a) => a.family === "IPv4" && !a.internal);
    if (own) return own.address;
  }
  throw new Error("janus: this machine has no IPv4 address besides loopback, and Janus gathers ICE candidates on none but such an address");
}

/** True once Janus answers GET /info with its VideoRoom plugin loaded. */
async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/info`, { signal: AbortSignal.timeout(1_000) });
    const info = (await res.json()) as { janus?: string; plugins?: Record<string, unknown> };
    return info.janus === "server_info" && info.plugins?.["janus.plugin.videoroom"] !== undefined;
  } catch {
    return false;
  }
}

/**
 * Starts a private Janus (never the system service) from a config folder of its own, on free
 * loopback ports, and waits until it answers. A machine without janus fails naming `npm run setup`.
 */
export async function startJanus(): Promise<Janus> {
  const bin = requireTool("janus", "/usr/bin/janus");
  const dir = mkdtempSync(join(tmpdir(), "telecal-janus-"));
  const ports = { http: await freePort(), admin: await freePort(), rtpMin: 20_000 + Math.floor(Math.random() * 40) * 1_000 };
  const secrets = { admin: randomBytes(16).toString("hex"), roomAdminKey: randomBytes(16).toString("hex") };
  const iceAddress = ownAddress();
  writeConfig(dir, ports, secrets, iceAddress);
  const logFile = join(dir, "janus.log");
  const url = `http://127.0.0.1:${ports.http}/janus`;
  let stderr = "";
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return stderr;
    }
  };
  let child: ChildProcess | null = null;
  const kill = async () => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise((resolve) => running.once("exit", resolve));
      running.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (running.exitCode === null && running.signalCode === null) running.kill("SIGKILL");
    }
  };
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const launch = async () => {
    const started: ChildProcess = spawn(bin, ["-C", join(dir, "janus.jcfg"), "-F", dir, "-N", "-o", "-L", logFile], { stdio: ["ignore", "ignore", "pipe"] });
    child = started;
    started.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    await waitFor(`janus answering on ${url}`, async () => {
      if (started.exitCode !== null) throw new Error(`janus exited with ${started.exitCode}: ${stderr}\n${log()}`);
      return (await answers(url)) ? true : undefined;
    }, 20_000);
  };
  try {
    await launch();
  } catch (err) {
    const message = `${String(err)}\n${log().slice(-4000)}`;
    await stop();
    throw new Error(message, { cause: err });
  }
  // Janus keeps rooms in memory: a restart loses every room, as in production.
  const restart = async () => {
    await kill();
    await launch();
  };
  return { url, iceAddress, adminUrl: `http://127.0.0.1:${ports.admin}/admin`, adminSecret: secrets.admin, roomAdminKey: secrets.roomAdminKey, log, restart, stop };
}
