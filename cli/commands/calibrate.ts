import { existsSync } from "node:fs";
import { join } from "node:path";
import { planOf, type PointInputs, pointInputs, type Procedure, procedureCurve, runState } from "@telecal/metrology";
import { isTelecalError, TelecalError } from "@telecal/protocols";
import { DATABASE_FILE, getProcedure, loadProcedures, SHIPPED_PROCEDURES_DIR, startServer, type TelecalServer } from "@telecal/server";
import type { Command } from "commander";
import type { CliIo } from "../run-cli";
import { cliLogger } from "../logger";
import { startDemoLab } from "../demo-lab";
import { writeDemoCertificate } from "../demo-certificate";
import { type DemoJobRun, demoBenchBinding, runDemoJob } from "../demo-run";

interface CalibrateOptions {
  list?: boolean;
  procedure?: string;
  demo?: boolean;
  json?: boolean;
  procedures?: string[];
  certificate?: string;
  dataDir?: string;
}

const MODE = { verification: "检定 verification", calibration: "校准 calibration" } as const;

/** The procedure's curve (GUM H.3 line fit through the points), for the JSON and the table. */
function curveOf(procedure: Procedure, points: PointInputs[]) {
  const c = procedureCurve(procedure, points);
  if (!c || !procedure.curve) return null;
  const { fit } = c;
  return {
    x: procedure.curve.x,
    y: procedure.curve.y,
    intercept: fit.intercept,
    slope: fit.slope,
    correlation: fit.correlation,
    residualStandardDeviation: fit.residualStandardDeviation,
    dof: fit.dof,
    points: c.points.map((q, i) => ({ ...q, fitted: fit.predictions[i]!.y, u: fit.predictions[i]!.u })),
  };
}

/** The job's evidence once the last readings' batches have reached the server (they follow the run's end by a flush or two). */
async function settledEvidence(server: TelecalServer, run: DemoJobRun) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      return await server.jobs.evidence(run.technician, run.jobId);
    } catch (err) {
      if (!isTelecalError(err) || err.code !== "TC_ERR_JOB_NOT_FINISHED" || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function runDemo(procedure: Procedure, json: boolean, certificateDir: string | undefined, procedureDirs: string[], dataDir?: string): Promise<void> {
  // The results table is the output; the bench's chatter only when asked for (TELECAL_LOG=info).
  const log = cliLogger("calibrate", "warn");
  if (dataDir !== undefined && existsSync(join(dataDir, DATABASE_FILE))) {
    throw new TelecalError("TC_ERR_VALIDATION", { what: "telecal calibrate --data-dir", issues: `${dataDir} holds a telecal database already: give a new folder for the demo's` });
  }
  const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, procedureDirs, ...(dataDir !== undefined ? { dataDir } : {}) });
  const lab = await startDemoLab(server, log, { pollMs: 100, settleSpeedUp: 10 });
  try {
    const bench = demoBenchBinding(procedure, lab);
    if (!json) process.stdout.write(`${procedure.title.zh} ${procedure.title.en} (${procedure.regulation.code}, ${MODE[procedure.mode]}): ${planOf(procedure).length} steps on ${Object.entries(bench).map(([e, i]) => `${e}=${i}`).join(", ")}\n`);
    // A job on the demo server, run by the demo agent: the results come from its raw records.
    const run = await runDemoJob(server, lab, procedure);
    const evidence = await settledEvidence(server, run);
    const rows = evidence.points;
    const inputs = pointInputs(procedure, planOf(procedure), runState(planOf(procedure), evidence.events));
    const curve = curveOf(procedure, inputs);
    const written = certificateDir === undefined ? [] : await writeDemoCertificate(server, procedure, run, certificateDir);
    if (json) {
      const out = { procedure: procedure.id, job: run.jobId, rawRecords: evidence.records.length, mode: procedure.mode, regulation: procedure.regulation.code, decisionRule: procedure.decision.rule, binding: bench, points: rows, ...(curve ? { curve } : {}), ...(written.length > 0 ? { certificate: written } : {}) };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return;
    }
    const header = ["point", "nominal", "reference", "indication", "error", "MPE", "U", "k", "decision"];
    const fmt = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(8)).toString());
    const short = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(2)).toString());
    const decision = (r: (typeof rows)[number]) => `${r.decision?.label.zh ?? "-"} ${r.decision?.label.en ?? ""}${r.check === "range" ? ` (range ${fmt(r.range ?? null)})` : ""}`;
    const lines = [header, ...rows.map((r) => [r.point, `${fmt(r.nominal)} ${r.unit}`, fmt(r.reference), fmt(r.indication), fmt(r.error), fmt(r.mpe), short(r.U), fmt(r.k === null ? null : Number(r.k.toFixed(2))), decision(r)])];
    const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
    for (const l of lines) process.stdout.write(`${l.map((c, i) => (i === l.length - 1 ? c : c.padStart(widths[i]!))).join("  ")}\n`);
    process.stdout.write(`decision rule: ${procedure.decision.rule}; U = k·u, coverage ${"k" in procedure.uncertainty.coverage ? `k = ${procedure.uncertainty.coverage.k}` : `p = ${procedure.uncertainty.coverage.probability}`}\n`);
    if (curve) {
      process.stdout.write(
        `curve ${curve.y} = a + b·${curve.x}: a = ${fmt(curve.intercept.value)} (u ${short(curve.intercept.u)}), b = ${fmt(curve.slope.value)} (u ${short(curve.slope.u)}), r(a, b) = ${curve.correlation.toFixed(3)}, s = ${short(curve.residualStandardDeviation)}, ν = ${curve.dof}\n`,
      );
    }
    process.stdout.write(`job ${run.jobId}: ${evidence.events.length} run events, results from ${evidence.records.length} raw records of the record log\n`);
    for (const path of written) process.stdout.write(`certificate: ${path}\n`);
  } finally {
    await lab.stop();
    await server.close();
  }
}

export function calibrateCommand(program: Command, io: CliIo): void {
  program
    .command("calibrate")
    .description("run a calibration procedure / 执行校准（检定）规程")
    .option("--list", "list the procedures")
    .option("--procedure <id>", "the procedure to run")
    .option("--demo", "run it on the demo bench's simulators, people played by the demo")
    .option("--json", "print the results as JSON")
    .option("--procedures <dir...>", "folders of extra procedure files")
    .option("--certificate <dir>", "write the demo job's signed certificate (PDF, English PDF, DCC XML) into this folder")
    .option("--data-dir <dir>", "keep the demo server's database (the record log) in this new folder, for `telecal cert verify --data-dir` and `telecal verify`")
    .action(async (opts: CalibrateOptions) => {
      const procedures = loadProcedures([SHIPPED_PROCEDURES_DIR, ...(opts.procedures ?? [])]);
      if (opts.list || !opts.procedure) {
        for (const p of procedures.values()) io.stdout(`${p.id.padEnd(24)}${MODE[p.mode]}  ${p.regulation.code}  ${p.title.zh} / ${p.title.en}\n`);
        return;
      }
      const procedure = getProcedure(procedures, opts.procedure);
      if (!opts.demo) {
        throw new TelecalError("TC_ERR_VALIDATION", { what: "telecal calibrate", issues: "only --demo runs here; a real job is started from the web on a lab's agent" });
      }
      await runDemo(procedure, opts.json === true, opts.certificate, [SHIPPED_PROCEDURES_DIR, ...(opts.procedures ?? [])], opts.dataDir);
    });
}
