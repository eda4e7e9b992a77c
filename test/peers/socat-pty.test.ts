import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { isTelecalError } from "@telecal/protocols";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ScpiSession } from "@telecal/agent/dialects/scpi";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { silentLogger } from "@telecal/agent/log";
import { getSimDefinition } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { type PtySimServer, servePty } from "@telecal/agent/simulators/pty-server";
import { createTransport } from "@telecal/agent/transports/factory";
import type { Transport } from "@telecal/agent/transports/transport";
import { BIN, CLI_START_MS, type Running, runTelecal } from "../fakes/cli";
import { requireTool } from "./require-tool";

const run = promisify(execFile);
const IDN = "Keysight Technologies,34465A,MY59001234,A.03.01-02.40-03.01-00.52-03-02";

/** Resolves with the transport's next `event`, or fails naming what it waited for. */
function next(transport: Transport, event: "up" | "down", ms: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" from ${transport.target} within ${ms} ms`)), ms);
    transport.on(event as "down", (reason?: string) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

/** socat is a real pty maker: the agent's serial stack runs on a real tty, not a mock. */
describe("the agent drives `keysight-34465a` through a socat pty", () => {
  let dir: string;
  let link: string;
  const drivers = new DriverCatalog();
  const sim = new InstrumentSimulator(getSimDefinition("keysight-34465a"));
  let pty: PtySimServer | null = null;
  let transport: Transport | null = null;

  beforeAll(() => {
    requireTool("socat");
    dir = mkdtempSync(join(tmpdir(), "telecal-pty-test-"));
    link = join(dir, "ttyDMM");
  });
  afterEach(async () => {
    await transport?.close();
    await pty?.close();
    transport = null;
    pty = null;
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads, sees socat killed as an unplugged cable, and reads again when the pty is back", async () => {
    pty = await servePty(sim, link);
    transport = createTransport({ type: "serial", path: link }, drivers.get("keysight-34465a"));
    const session = new ScpiSession(transport, { name: "dmm1", terminator: "\n", timeoutMs: 2000 }, silentLogger);
    const up = next(transport, "up", 3000);
    transport.open();
    await up;
    expect(await session.query("*IDN?")).toBe(IDN);
    const block = await session.queryBlock("R? 4");
    expect(block).toHaveLength(32);
    expect(block.readDoubleBE(0)).toBeCloseTo(10, 3);

    const down = next(transport, "down", 3000);
    process.kill(pty.pid, "SIGKILL");
    expect(await down).toMatch(/^disconnected: the device hung up/);
    expect(transport.isUp).toBe(false);
    const refused = await session.query("*IDN?").catch((e: unknown) => e);
    expect(isTelecalError(refused, "TC_ERR_TRANSPORT_CLOSED")).toBe(true);
    await pty.close();
    // While the pty is gone, reopening fails and the agent keeps trying.
    await new Promise((r) => setTimeout(r, 600));
    expect(transport.isUp).toBe(false);

    // Same link path, a new socat and a new /dev/pts: the agent reopens it on its own.
    const back = next(transport, "up", 5000);
    pty = await servePty(sim, link);
    await back;
    expect(await session.query("*IDN?")).toBe(IDN);
    expect(Number(await session.query("READ?"))).toBeCloseTo(10, 3);
  });

  it("removes its link when closed", async () => {
    pty = await servePty(sim, link);
    expect(existsSync(link)).toBe(true);
    await pty.close();
    pty = null;
    expect(existsSync(link)).toBe(false);
  });
});

describe("`telecal agent --discover --port` finds `telecal sim --pty`", () => {
  let dir: string;
  let sim: Running;
  let link: string;
  beforeAll(async () => {
    requireTool("socat");
    dir = mkdtempSync(join(tmpdir(), "telecal-discover-"));
    link = join(dir, "ttyDMM");
    sim = await runTelecal(["sim", "keysight-34465a", "--pty", link], /listening on pty /);
  });
  afterAll(async () => {
    await sim?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("prints the path, the line settings and the identity with its driver", async () => {
    const { stdout } = await run(process.execPath, [BIN, "agent", "--discover", "--port", link], { timeout: CLI_START_MS });
    const lines = stdout.trim().split("\n");
    // Probes stop at the first answer: the last line is the one that got it.
    expect(lines.at(-1)).toMatch(/^\S+\t\d+ [5-8][NEOMS](1|1\.5|2)\b.*\*IDN\?\t.+\tkeysight-34465a$/);
    expect(lines.at(-1)!.split("\t")).toEqual([link, expect.any(String), IDN, "keysight-34465a"]);
  });

  it("says no answer for a path where nothing answers", async () => {
    const silent = join(dir, "nothing");
    const { stdout } = await run(process.execPath, [BIN, "agent", "--discover", "--port", silent, "--timeout", "100"], {
      timeout: CLI_START_MS,
    });
    expect(stdout).toMatch(new RegExp(`^${silent}\\t9600 8N1 .*\\tno answer \\(.+\\)$`, "m"));
  });
});
