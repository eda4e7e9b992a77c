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
