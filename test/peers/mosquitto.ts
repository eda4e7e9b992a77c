import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { accepting, freePort } from "./ports";
import { requireTool } from "./require-tool";

export interface Mosquitto {
  port: number;
  url: string;
  /** Kills the broker at once (SIGKILL), as a crash: clients see their link drop. */
  kill(): Promise<void>;
}

/**
 * Starts our own Mosquitto on loopback (never the system one on 1883), anonymous, without
 * persistence, and waits until it accepts connections. A missing mosquitto fails naming `npm run setup`.
 */
export async function startMosquitto(port?: number): Promise<Mosquitto> {
  const bin = requireTool("mosquitto", "/usr/sbin/mosquitto");
  const chosen = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), "telecal-mosquitto-"));
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(conf, `listener ${chosen} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  const child: ChildProcess = spawn(bin, ["-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
  const started = Date.now();
  while (!(await accepting(chosen))) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}: ${stderr}`);
    if (Date.now() - started > 10_000) throw new Error(`mosquitto did not listen on ${chosen} within 10000 ms: ${stderr}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    port: chosen,
    url: `mqtt://127.0.0.1:${chosen}`,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
