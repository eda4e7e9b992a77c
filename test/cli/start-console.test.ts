import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, CLI_START_MS } from "../fakes/cli";

/** Waits until the console holds `pattern`, checking it as it grows, with a timeout that names it. */
async function consoleShows(read: () => string, pattern: RegExp, child: ChildProcess, timeoutMs = CLI_START_MS): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const text = read();
    if (pattern.test(text)) return text;
    if (child.exitCode !== null) throw new Error(`telecal start exited with ${child.exitCode}: ${text}`);
    if (Date.now() > end) throw new Error(`telecal start: no ${pattern} on the console within ${timeoutMs} ms: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The local addresses listening on `port` (/proc/net/tcp, IPv4, as hex ADDR:PORT). */
function listeningOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A")
    .map((f) => f[1]!.split(":")[0]!);
}

/**
 * Issue 18, item 10: `telecal start` (spawned once, stdout and stderr into one file, in order, as a
 * console shows them): JSON log lines when not on a terminal, no request lines at info, the banner
 * last, and the demo, with its published passwords, on loopback only.
 */
describe("telecal start's console", () => {
  const dir = mkdtempSync(join(tmpdir(), "telecal-start-console-"));
  const file = join(dir, "console.txt");
  let child: ChildProcess;
  const read = () => readFileSync(file, "utf8");

  beforeAll(() => {
    const fd = openSync(file, "w");
    const env = { ...process.env };
    delete env["TELECAL_LOG"];
    delete env["TELECAL_LOG_FORMAT"];
    child = spawn(process.execPath, [BIN, "start", "--port", "0", "--data-dir", join(dir, "data")], { stdio: ["ignore", fd, fd], env });
    closeSync(fd);
  });
  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the banner last, logs JSON lines without request lines at info, and listens on 127.0.0.1", async () => {
    const banner = await consoleShows(read, /演示实验室 \/ demo lab: .*\n/, child);
    const url = /is running: (http:\/\/\S+)/.exec(banner)![1]!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner).toContain("--host 0.0.0.0");
    expect(banner).toMatch(/demo job \(technician \+ expert\): http:\/\/127\.0\.0\.1:\d+\/#\/jobs\/\S+/);
    expect(listeningOn(Number(new URL(url).port))).toEqual(["0100007F"]);

    // A person's first minute: sign in, the dashboard's reads, a few times over.
    const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "technician", password: "demo" }) });
    const { token } = (await login.json()) as { token: string };
    for (let i = 0; i < 5; i++) {
      for (const path of ["/api/jobs", "/api/agents", "/api/instruments", "/api/health"]) {
        const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status).toBeLessThan(500);
      }
    }
    const text = read();
    const lines = text.split("\n").filter((l) => l.trim() !== "");
    // Nothing was logged after the banner: its last line is the console's last line.
    expect(lines.at(-1)).toMatch(/^ {2}演示实验室 \/ demo lab: /);
    const logs = lines.slice(0, lines.findIndex((l) => l.includes("is running:")));
    expect(logs.length).toBeGreaterThan(0);
    // Not a terminal: JSON lines, at info and above, none of them a request's.
    for (const line of logs.filter((l) => l.startsWith("{"))) {
      const entry = JSON.parse(line) as { level: number; msg: string };
      expect(entry.level).toBeGreaterThanOrEqual(30);
      expect(["incoming request", "request completed", "request"]).not.toContain(entry.msg);
    }
    expect(text).not.toMatch(/incoming request|request completed/);
  }, 120_000);
});
