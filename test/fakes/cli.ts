import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../bin/telecal.js", import.meta.url));

/**
 * How long a `telecal` process may take to start: about 5 s of CPU (tsx and mathjs), and these
 * machines are shared, 2 cores under load. Startup time is not what the tests measure.
 */
export const CLI_START_MS = 60_000;

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `telecal ARGS` as users do and waits until stdout matches `ready`, with a named timeout. */
export async function runTelecal(args: string[], ready: RegExp, timeoutMs = CLI_START_MS): Promise<Running> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout?.on("data", (c: Buffer) => (out += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
  const running: Running = {
    child,
    stdout: () => out,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(new Error(`telecal ${args.join(" ")}: no line matching ${ready} within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    const check = () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`telecal ${args.join(" ")} exited with ${code}: ${err}`));
    });
  });
  return running;
}

/**
 * Runs `telecal ARGS` to its end without blocking this process (servers in it keep answering,
 * unlike spawnSync), with a timeout that names the command.
 */
export function runTelecalToEnd(args: string[], timeoutMs = CLI_START_MS): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`telecal ${args.join(" ")}: did not end within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
