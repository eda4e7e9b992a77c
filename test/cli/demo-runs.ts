import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);

/** A result row of `telecal calibrate --json`. */
export interface Row {
  point: string;
  nominal: number;
  unit: string;
  reference: number | null;
  indication: number | null;
  error: number;
  mpe: number;
  readings: Record<string, number>;
  check: "error" | "range";
  range?: number;
  u: number;
  k: number;
  U: number;
  decision: { rule: string; code: string; label: { zh: string; en: string } };
  budget: { name: string; u: number; contribution: number }[];
}

export interface Curve {
  intercept: { value: number; u: number };
  slope: { value: number; u: number };
  correlation: number;
  dof: number;
  points: { point: string; x: number; y: number; fitted: number; u: number }[];
}

/** What one demo run printed, and where it left its certificate files and its data dir. */
export interface Demo {
  procedure: string;
  job: string;
  rawRecords: number;
  decisionRule: string;
  binding: Record<string, string>;
  points: Row[];
  curve?: Curve;
  certificate: [string, string, string];
  dataDir: string;
}

export const DEMO_PROCEDURES = ["dmm-dcv-jjf1587", "balance-jjg1036", "pressure-gauge-jjg52", "thermometer-bath"] as const;

/** Where the runs write: one folder per test process. */
export const DEMO_DIR = mkdtempSync(join(tmpdir(), "telecal-calibrate-demo-"));

const demos = new Map<string, Promise<Demo>>();

/**
 * One spawned `telecal calibrate --procedure ID --demo --json --certificate DIR --data-dir DIR` run per
 * procedure and test process, shared by the tests of its results and of its certificate: a demo run
 * is the slowest thing these tests do.
 */
export function demo(id: string): Promise<Demo> {
  let d = demos.get(id);
  if (!d) {
    const dataDir = join(DEMO_DIR, `${id}-data`);
    d = run(process.execPath, [BIN, "calibrate", "--procedure", id, "--demo", "--json", "--certificate", join(DEMO_DIR, id), "--data-dir", dataDir], { timeout: 360_000, maxBuffer: 1 << 24 }).then(
      ({ stdout }) => ({ ...(JSON.parse(stdout) as Omit<Demo, "dataDir">), dataDir }),
    );
    demos.set(id, d);
  }
  return d;
}

/**
 * Starts the four runs together: they wait on simulated settling more than they compute, so they
 * overlap. Each test awaits its own run and sees its failure; the catch only keeps an early one
 * from being unhandled.
 */
export function startDemos(): void {
  for (const id of DEMO_PROCEDURES) void demo(id).catch(() => undefined);
}
