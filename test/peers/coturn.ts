import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "./require-tool";

export interface Coturn {
  port: number;
  /** turn:127.0.0.1:<port>?transport=udp */
  url: string;
  /** The static-auth-secret the server signs TURN credentials with. */
  secret: string;
  /** The server's log so far, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/** A free loopback UDP port, found by binding port 0. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Sends a STUN Binding request; true when a Binding success response comes back within `ms`. */
async function answersStun(port: number, ms: number): Promise<boolean> {
  const socket = createSocket("udp4");
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);
  request.writeUInt16BE(0, 2);
  request.writeUInt32BE(0x2112a442, 4);
  randomBytes(12).copy(request, 8);
  try {
    return await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      socket.on("message", (msg) => {
        clearTimeout(timer);
        resolve(msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(request.subarray(8, 20)));
      });
      socket.on("error", () => resolve(false));
      socket.send(request, port, "127.0.0.1");
    });
  } finally {
    socket.close();
  }
}

/**
 * Starts our own coturn on loopback (never the system service), with TURN REST credentials
 * (use-auth-secret), UDP only, relaying between loopback addresses, and waits until it answers a
 * STUN Binding request. A missing turnserver fails naming `npm run setup`.
 */
export async function startCoturn(): Promise<Coturn> {
  const bin = requireTool("turnserver", "/usr/bin/turnserver");
  const port = await freeUdpPort();
  const secret = randomBytes(16).toString("hex");
  // Relay ports in a random block of the dynamic range, apart from the listening port.
  const minPort = 50_000 + Math.floor(Math.random() * 150) * 100;
  const dir = mkdtempSync(join(tmpdir(), "telecal-coturn-"));
  const logFile = join(dir, "turnserver.log");
  const conf = join(dir, "turnserver.conf");
  writeFileSync(
    conf,
    [
      `listening-ip=127.0.0.1`,
      `relay-ip=127.0.0.1`,
      `listening-port=${port}`,
      `min-port=${minPort}`,
      `max-port=${minPort + 99}`,
      `realm=telecal.test`,
      `use-auth-secret`,
      `static-auth-secret=${secret}`,
      `fingerprint`,
      `no-tls`,
      `no-dtls`,
      `no-tcp-relay`,
      `no-cli`,
      `no-multicast-peers`,
      // Both browsers' relayed addresses are on loopback: coturn refuses such peers unless told.
      `allow-loopback-peers`,
      `userdb=${join(dir, "turndb")}`,
      `pidfile=${join(dir, "turnserver.pid")}`,
      `log-file=${logFile}`,
      `simple-log`,
      `no-stdout-log`,
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return stderr;
    }
  };
  const started = Date.now();
  while (!(await answersStun(port, 200))) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}: ${stderr}\n${log()}`);
    if (Date.now() - started > 10_000) throw new Error(`turnserver did not answer STUN on udp 127.0.0.1:${port} within 10000 ms: ${log()}`);
  }
  return {
    port,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    secret,
    log,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
