import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Running, runTelecal } from "../fakes/cli";
import { requireTool } from "./require-tool";

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./pyvisa_query.py", import.meta.url));
const IDN = "Keysight Technologies,34465A,MY59001234,A.03.01-02.40-03.01-00.52-03-02";

interface PyvisaResult {
  idn: string;
  dcv: number;
  block: number[];
  error: string;
}

/** Debian's python3 with pyvisa-py and pyserial (for ASRL); a missing one fails naming `npm run setup`. */
async function requirePyvisa(): Promise<string> {
  const python = requireTool("python3", "/usr/bin/python3");
  try {
    await run(python, ["-c", "import pyvisa, pyvisa_py, serial"]);
  } catch (err) {
    throw new Error(
      `python3-pyvisa-py or python3-serial is not installed: run \`npm run setup\` first (${(err as Error).message})`,
      { cause: err },
    );
  }
  return python;
}

async function pyvisaQuery(python: string, resource: string): Promise<PyvisaResult> {
  const { stdout } = await run(python, [SCRIPT, resource], { timeout: 20_000 });
  return JSON.parse(stdout) as PyvisaResult;
}

function expectDmmAnswers(result: PyvisaResult): void {
  expect(result.idn).toBe(IDN);
  expect(result.dcv).toBeCloseTo(10, 3);
  expect(result.block).toHaveLength(4);
  for (const v of result.block) expect(v).toBeCloseTo(10, 3);
  expect(result.error).toBe('+0,"No error"');
}

/** pyvisa-py is an independent VISA client: it proves the simulator speaks SCPI as instruments do. */
describe("pyvisa-py queries `telecal sim keysight-34465a`", () => {
  let python: string;
  beforeAll(async () => {
    python = await requirePyvisa();
  });

  describe("over a raw TCP socket", () => {
    let sim: Running;
    let port: number;
    beforeAll(async () => {
      sim = await runTelecal(["sim", "keysight-34465a", "--tcp", "0"], /listening on tcp:\/\/[\d.]+:\d+/);
      port = Number(/:(\d+)\n/.exec(sim.stdout())![1]);
    });
    afterAll(async () => {
      await sim?.stop();
    });

    it("answers *IDN?, a measurement, and R? 4 as a block of four big-endian doubles", async () => {
      expectDmmAnswers(await pyvisaQuery(python, `TCPIP::127.0.0.1::${port}::SOCKET`));
    });
  });

  describe("over a serial line (ASRL) through a socat pty", () => {
    let sim: Running;
    let dir: string;
    let link: string;
    beforeAll(async () => {
      requireTool("socat");
      dir = mkdtempSync(join(tmpdir(), "telecal-pyvisa-"));
      link = join(dir, "ttyDMM");
      sim = await runTelecal(["sim", "keysight-34465a", "--pty", link], /listening on pty /);
    });
    afterAll(async () => {
      await sim?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("prints the link it serves", () => {
      expect(sim.stdout()).toBe(`keysight-34465a listening on pty ${link}\n`);
    });

    it("answers *IDN?, a measurement, and R? 4 as a block of four big-endian doubles", async () => {
      expectDmmAnswers(await pyvisaQuery(python, `ASRL${link}::INSTR`));
    });
  });
});
