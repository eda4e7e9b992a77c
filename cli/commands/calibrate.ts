import { AgentBench, JobRunner, MemoryJournal } from "@telecal/agent";
import { evaluateExpression, mean, planOf, type PointInputs, pointInputs, type Procedure, pointScope } from "@telecal/metrology";
import { TelecalError } from "@telecal/protocols";
import { getProcedure, loadProcedures, SHIPPED_PROCEDURES_DIR, startServer } from "@telecal/server";
import type { Command } from "commander";
import { cliLogger } from "../logger";
import { type DemoLab, startDemoLab } from "../demo-lab";
import { DemoPeople } from "../demo-people";

interface CalibrateOptions {
  list?: boolean;
  procedure?: string;
  demo?: boolean;
  json?: boolean;
  procedures?: string[];
}

const MODE = { verification: "检定 verification", calibration: "校准 calibration" } as const;

/** Equipment of the procedure → instrument of the demo bench with a driver the equipment accepts. */
function demoBinding(procedure: Procedure, lab: DemoLab): Record<string, string> {
  const binding: Record<string, string> = {};
  const taken = new Set<string>();
  for (const e of procedure.equipment) {
    if (e.drivers.length === 0) continue;
    // An instrument of the same side (unit under test, or reference) first.
    const wantUut = e.role === "uut";
    const candidates = [...lab.drivers].filter(([id, driver]) => e.drivers.includes(driver) && !taken.has(id));
    const match = candidates.find(([id]) => (lab.roles.get(id) === "uut") === wantUut) ?? candidates[0];
    if (!match) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `the demo bench has no instrument with driver ${e.drivers.join(" or ")}` });
    binding[e.id] = match[0];
    taken.add(match[0]);
  }
  return binding;
}

/** A point's row: the observed means and the error by the model, all inputs at their values. */
function pointRow(procedure: Procedure, p: PointInputs) {
  const scope: Record<string, number> = { ...pointScope(p.point) };
  for (const b of p.typeB) scope[b.input] = b.value;
  for (const [name, values] of Object.entries(p.observed)) scope[name] = mean(values);
  const error = evaluateExpression(procedure.uncertainty.model, scope, `${procedure.id} point ${p.point.id}`);
  return {
    point: p.point.id,
    nominal: p.point.nominal,
    unit: p.point.unit,
    reference: scope["reference"] ?? null,
    indication: scope["indication"] ?? null,
    error,
    mpe: p.mpe,
    readings: Object.fromEntries(Object.entries(p.observed).map(([k, v]) => [k, v.length])),
  };
}

async function runDemo(procedure: Procedure, json: boolean): Promise<void> {
  // The results table is the output; the bench's chatter only when asked for (TELECAL_LOG=info).
  const log = cliLogger("calibrate", "warn");
  const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
  const lab = await startDemoLab(server, log, { pollMs: 100, settleSpeedUp: 10 });
  try {
    const binding = demoBinding(procedure, lab);
    const plan = planOf(procedure);
    if (!json) process.stdout.write(`${procedure.title.zh} ${procedure.title.en} (${procedure.regulation.code}, ${MODE[procedure.mode]}): ${plan.length} steps on ${Object.entries(binding).map(([e, i]) => `${e}=${i}`).join(", ")}\n`);
    const runner = new JobRunner({
      jobId: `demo-${procedure.id}`,
      plan,
      bench: new AgentBench(lab.agent, binding),
      people: new DemoPeople(procedure, lab, binding),
      journal: new MemoryJournal(),
      log,
      actor: "agent:demo-lab",
    });
    const state = await runner.run();
    const rows = pointInputs(procedure, plan, state).map((p) => pointRow(procedure, p));
    if (json) {
      process.stdout.write(`${JSON.stringify({ procedure: procedure.id, mode: procedure.mode, regulation: procedure.regulation.code, binding, points: rows }, null, 2)}\n`);
      return;
    }
    const header = ["point", "nominal", "reference", "indication", "error", "MPE"];
    const fmt = (v: number | null) => (v === null ? "-" : Number(v.toPrecision(8)).toString());
    const lines = [header, ...rows.map((r) => [r.point, `${fmt(r.nominal)} ${r.unit}`, fmt(r.reference), fmt(r.indication), fmt(r.error), fmt(r.mpe)])];
    const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
    for (const l of lines) process.stdout.write(`${l.map((c, i) => c.padStart(widths[i]!)).join("  ")}\n`);
  } finally {
    await lab.stop();
    await server.close();
  }
}

export function calibrateCommand(program: Command): void {
  program
    .command("calibrate")
    .description("run a calibration procedure / 执行校准（检定）规程")
    .option("--list", "list the procedures")
    .option("--procedure <id>", "the procedure to run")
    .option("--demo", "run it on the demo bench's simulators, people played by the demo")
    .option("--json", "print the results as JSON")
    .option("--procedures <dir...>", "folders of extra procedure files")
    .action(async (opts: CalibrateOptions) => {
      const procedures = loadProcedures([SHIPPED_PROCEDURES_DIR, ...(opts.procedures ?? [])]);
      if (opts.list || !opts.procedure) {
        for (const p of procedures.values()) process.stdout.write(`${p.id.padEnd(24)}${MODE[p.mode]}  ${p.regulation.code}  ${p.title.zh} / ${p.title.en}\n`);
        return;
      }
      const procedure = getProcedure(procedures, opts.procedure);
      if (!opts.demo) {
        throw new TelecalError("TC_ERR_VALIDATION", { what: "telecal calibrate", issues: "only --demo runs here; a real job is started from the web on a lab's agent" });
      }
      await runDemo(procedure, opts.json === true);
    });
}
