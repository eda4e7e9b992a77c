import { type ChildProcess, spawn } from "node:child_process";
import { lstatSync, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InstrumentSimulator } from "./engine";
import { type SerialSimServer, serveSerial } from "./serial-server";

export interface PtySimServer {
  /** The link the client opens, as a serial port: /tmp/ttyDMM -> /dev/pts/N. */
  path: string;
  /** socat's process id. */
  pid: number;
  /** Resolves with a reason when socat exits, whoever ended it. */
  readonly exited: Promise<string>;
  close(): Promise<void>;
}

export interface PtyOptions {
  /** socat binary; `socat` on the PATH by default (Debian package socat). */
  socat?: string;
  /** How long to wait for socat to make the pty pair. */
  readyTimeoutMs?: number;
}

/** Removes a symbolic link left by a socat that was killed; leaves anything else alone. */
function removeStaleLink(path: string): void {
  try {
    if (lstatSync(path).isSymbolicLink()) unlinkSync(path);
  } catch {
    // nothing there
  }
}

/**
 * Serves a simulated instrument on a pseudo-terminal, as if it were plugged into a serial port:
 * socat makes a pty pair, links one end at `linkPath` for the client (any serial program: the
 * agent, pyvisa ASRL, minicom) and the simulator opens the other end. Killing socat is what pulling
 * the cable looks like to the client.
 */
export async function servePty(sim: InstrumentSimulator, linkPath: string, options: PtyOptions = {}): Promise<PtySimServer> {
  if (/[,:!\\\s]/.test(linkPath)) {
    throw new Error(`pty link path ${JSON.stringify(linkPath)}: socat addresses cannot hold , : ! \\ or spaces`);
  }
  removeStaleLink(linkPath);
  const dir = mkdtempSync(join(tmpdir(), "telecal-pty-"));
  const simPath = join(dir, "sim");
  const child = spawn(
    options.socat ?? "socat",
    ["-d", "-d", `pty,raw,echo=0,link=${linkPath}`, `pty,raw,echo=0,link=${simPath}`],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    if (stderr.length < 16_384) stderr += chunk.toString();
  });
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err: NodeJS.ErrnoException) =>
      resolve(err.code === "ENOENT" ? "socat is not installed (Debian package socat)" : `socat did not start: ${err.message}`),
    );
    child.once("exit", (code, signal) => resolve(signal ? `socat killed by ${signal}` : `socat exited with ${code}`));
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const cleanUp = () => {
    process.removeListener("exit", killOnExit);
    removeStaleLink(linkPath);
    rmSync(dir, { recursive: true, force: true });
  };

  let server: SerialSimServer;
  try {
    await waitForSocat(child, exited, () => stderr, options.readyTimeoutMs ?? 5000);
    server = await serveSerial(sim, simPath);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    cleanUp();
    throw err;
  }
  return {
    path: linkPath,
    pid: child.pid!,
    exited,
    close: async () => {
      await server.close();
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
      cleanUp();
    },
  };
}

/** Waits until socat says both ptys are made and linked, or fails naming what it waited for. */
function waitForSocat(child: ChildProcess, exited: Promise<string>, stderr: () => string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`socat did not make its pty pair within ${timeoutMs} ms: ${stderr().trim()}`));
    }, timeoutMs);
    const check = () => {
      if (stderr().includes("starting data transfer loop")) {
        finish();
        resolve();
      }
    };
    const finish = () => {
      clearTimeout(timer);
      child.stderr?.removeListener("data", check);
    };
    child.stderr?.on("data", check);
    void exited.then((reason) => {
      finish();
      const said = stderr().trim();
      reject(new Error(`${reason} before making its pty pair${said ? `: ${said}` : ""}`));
    });
  });
}
