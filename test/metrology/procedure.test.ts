import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseProcedure, planOf, type Procedure, type RunEvent, runState } from "@telecal/metrology";
import { loadProcedures, SHIPPED_PROCEDURES_DIR } from "@telecal/server";
import { describe, expect, it } from "vitest";
import { refusalOf } from "../fakes/refusal";
import { parse, stringify } from "yaml";

const DMM_FILE = join(SHIPPED_PROCEDURES_DIR, "dmm-dcv-jjf1587.yaml");

/** The parts of a raw procedure file the tests below break. */
interface RawProcedure {
  regulation: { code?: string };
  points: { id: string; pair?: string; tolerance?: number; function?: string }[];
  steps: { before: { only?: string[] }[]; perPoint: { id: string; equipment?: string; count?: number; only?: string[] }[] };
}

/** The DMM procedure with `edit` applied to its raw data, parsed again. */
function editedDmm(edit: (raw: RawProcedure) => void): () => Procedure {
  const raw = parse(readFileSync(DMM_FILE, "utf8")) as RawProcedure;
  edit(raw);
  return () => parseProcedure(stringify(raw), "edited.yaml");
}


describe("shipped procedures", () => {
  const procedures = loadProcedures();

  it("are the four a county station runs, each valid", () => {
    expect([...procedures.keys()].sort()).toEqual(["balance-jjg1036", "dmm-dcv-jjf1587", "pressure-gauge-jjg52", "thermometer-bath"]);
    expect(procedures.get("balance-jjg1036")!.mode).toBe("verification");
    expect(procedures.get("pressure-gauge-jjg52")!.mode).toBe("verification");
    expect(procedures.get("dmm-dcv-jjf1587")!.mode).toBe("calibration");
    expect(procedures.get("thermometer-bath")!.curve).toEqual({ x: "indication", y: "reference - indication" });
  });

  it("expand into a plan: steps before, the per-point steps for every point in order, steps after", () => {
    const dmm = procedures.get("dmm-dcv-jjf1587")!;
    const plan = planOf(dmm);
    // Six DC voltage and six resistance points, four steps each: those of the other function are skipped.
    expect(dmm.points.map((p) => p.function)).toEqual([...Array(6).fill("dcv"), ...Array(6).fill("res")]);
    expect(plan).toHaveLength(2 + 6 * 4 + 6 * 4 + 1);
    expect(plan.slice(0, 4).map((p) => p.key)).toEqual(["before/connect", "before/ambient", "dcv-100mv/output", "dcv-100mv/operate"]);
    expect(plan.filter((p) => p.point?.id === "dcv-1000v").map((p) => p.key)).toEqual(["dcv-1000v/output", "dcv-1000v/operate", "dcv-1000v/read", "dcv-1000v/standby"]);
    expect(plan.filter((p) => p.point?.id === "res-1k").map((p) => p.key)).toEqual(["res-1k/resistance", "res-1k/operate", "res-1k/read-res", "res-1k/standby"]);
    expect(plan.find((p) => p.key === "res-10m/read-res")).toMatchObject({ count: 10, point: { nominal: 10_000_000, unit: "Ω" }, step: { measurement: "res2w" } });
    expect(plan.map((p) => p.index)).toEqual(plan.map((_, i) => i));
    expect(planOf(dmm)).toEqual(plan);
    expect(plan.at(-1)!.key).toBe("after/review");
    const read = plan.find((p) => p.key === "dcv-10v/read")!;
    expect(read.count).toBe(10);
    expect(read.point!.nominal).toBe(10);
    // The balance's repeatability point takes its own six readings.
    const balance = planOf(procedures.get("balance-jjg1036")!);
    expect(balance.find((p) => p.key === "repeat-200g/read")!.count).toBe(6);
    expect(balance.find((p) => p.key === "repeat-200g/place")!.count).toBe(1);
  });
});

describe("a procedure file with a mistake", () => {
  it("is refused naming the field: a missing regulation code", () => {
    expect(refusalOf(editedDmm((raw) => delete raw.regulation.code))).toMatch(/^TC_ERR_PROCEDURE_INVALID procedure edited.yaml: regulation.code: /);
  });

  it("is refused naming the field: an unknown field is not ignored", () => {
    expect(refusalOf(editedDmm((raw) => (raw.points[1]!.tolerance = 3)))).toMatch(/points\.1: .*tolerance/);
  });

  it("is refused naming the field: a step names equipment the procedure does not list", () => {
    expect(refusalOf(editedDmm((raw) => (raw.steps.perPoint[2]!.equipment = "scope")))).toMatch(/steps\.perPoint\.2\.equipment: no equipment 'scope'/);
  });

  it("is refused naming the field: a point id used twice, a pair that does not exist, bad YAML", () => {
    expect(refusalOf(editedDmm((raw) => (raw.points[2]!.id = raw.points[1]!.id)))).toMatch(/points\.2\.id: point id 'dcv-1v' is used twice/);
    expect(refusalOf(editedDmm((raw) => (raw.points[0]!.pair = "nowhere")))).toMatch(/points\.0\.pair: no point 'nowhere'/);
    expect(refusalOf(() => parseProcedure("id: [unclosed", "broken.yaml"))).toMatch(/^TC_ERR_PROCEDURE_INVALID procedure broken.yaml: \(file\): /);
  });

  it("is refused naming the field: a read count of zero", () => {
    expect(refusalOf(editedDmm((raw) => (raw.steps.perPoint[3]!.count = 0)))).toMatch(/steps\.perPoint\.3\.count: /);
  });

  it("is refused naming the field: a step `only` for a function no point has, or `only` outside the per-point steps", () => {
    expect(refusalOf(editedDmm((raw) => (raw.steps.perPoint[4]!.only = ["res", "acv"])))).toMatch(/steps\.perPoint\.4\.only\.1: no point of function 'acv' in this procedure/);
    expect(refusalOf(editedDmm((raw) => (raw.steps.before[0]!.only = ["dcv"])))).toMatch(/steps\.before\.0\.only: only a per-point step can run for some functions only/);
    expect(refusalOf(editedDmm((raw) => (raw.steps.perPoint[0]!.only = [])))).toMatch(/steps\.perPoint\.0\.only: /);
    // Points that name no function: a step with `only` has nothing to run for.
    const bare = (raw: RawProcedure) => raw.points.forEach((p) => delete p.function);
    expect(refusalOf(editedDmm(bare))).toMatch(/steps\.perPoint\.0\.only\.0: no point of function 'dcv'/);
  });

  it("is refused naming the point: a point at which no step feeds an input of the model", () => {
    // res-100 without its function: neither read runs there, so nothing feeds 'indication' and the run could never be evaluated.
    expect(refusalOf(editedDmm((raw) => delete raw.points.find((p) => p.id === "res-100")!.function))).toMatch(/points\.6: point 'res-100': .*names 'indication', not among the inputs/);
  });

  it("without `only`, runs every per-point step at every point, whatever the points' functions", () => {
    const plan = planOf(
      editedDmm((raw) => {
        raw.steps.perPoint = raw.steps.perPoint.filter((s) => s.id !== "read-res" && s.id !== "resistance");
        for (const s of raw.steps.perPoint) delete s.only;
      })(),
    );
    expect(plan).toHaveLength(2 + 12 * 4 + 1);
    expect(plan.filter((p) => p.point?.id === "res-100").map((p) => p.key)).toEqual(["res-100/output", "res-100/operate", "res-100/read", "res-100/standby"]);
  });
});

describe("run state", () => {
  const procedure = loadProcedures().get("pressure-gauge-jjg52")!;
  const plan = planOf(procedure);
  const at = 1_700_000_000_000;
  const done = (step: string, values?: number[]): RunEvent => ({ kind: "completed", step, by: "technician", at, ...(values ? { values } : {}) });
  /** Events that complete every step up to (not including) `until`, with plausible values. */
  function upTo(until: string): RunEvent[] {
    const events: RunEvent[] = [];
    for (const p of plan) {
      if (p.key === until) break;
      if (p.step.kind === "approval") events.push({ kind: "approved", step: p.key, by: "expert", at });
      else events.push(done(p.key, p.count > 0 ? Array.from({ length: p.count }, () => p.point?.nominal ?? 0) : undefined));
    }
    return events;
  }

  it("starts at the first step and moves on as steps complete, keeping their values", () => {
    expect(runState(plan, []).next!.key).toBe("before/mount");
    const state = runState(plan, upTo("up-400/setpoint"));
    expect(state.next!.key).toBe("up-400/setpoint");
    expect(state.values.get("up-0/read-gauge")).toEqual([0]);
    expect(state.values.get("up-0/reference")).toEqual([0, 0, 0]);
  });

  it("refuses a step that is not the one waiting, a wrong number of values, a non-finite value", () => {
    const events = upTo("up-0/reference");
    expect(refusalOf(() => runState(plan, [...events, done("up-0/read-gauge", [1])]))).toBe(
      "TC_ERR_STEP_OUT_OF_ORDER step up-0/read-gauge: the step waiting is up-0/reference",
    );
    expect(refusalOf(() => runState(plan, [...events, done("up-0/reference", [1, 2])]))).toBe(
      "TC_ERR_STEP_OUT_OF_ORDER step up-0/reference: expected 3 value(s), got 2",
    );
    expect(refusalOf(() => runState(plan, [...events, done("up-0/reference", [1, Number.NaN, 2])]))).toMatch(/finite/);
  });

  it("holds at the expert's word (the step under way may finish) and goes on when resumed", () => {
    const events = upTo("up-0/reference");
    const held: RunEvent[] = [...events, { kind: "held", by: "expert", at, comment: "气泡" }];
    expect(runState(plan, held).held).toBe(true);
    expect(refusalOf(() => runState(plan, [...held, { kind: "held", by: "expert", at }]))).toMatch(/already held/);
    // The bench's hold (a step of its own failed) on a run held already is taken, and changes nothing.
    const heldTwice = runState(plan, [...held, { kind: "held", by: "agent:lab-1", at, comment: "up-0/reference: TC_ERR_INSTRUMENT_ERROR" }]);
    expect([heldTwice.held, heldTwice.next?.key]).toEqual([true, runState(plan, held).next?.key]);
    const finishedUnderHold = runState(plan, [...held, done("up-0/reference", [0, 0, 0])]);
    expect(finishedUnderHold.held).toBe(true);
    expect(finishedUnderHold.next!.key).toBe("up-0/read-gauge");
    const resumed = runState(plan, [...held, done("up-0/reference", [0, 0, 0]), { kind: "resumed", by: "expert", at }]);
    expect(resumed.held).toBe(false);
    expect(refusalOf(() => runState(plan, [...events, { kind: "resumed", by: "expert", at }]))).toMatch(/not held/);
  });

  it("at the approval gate: only approval or sending back; sent back, the steps run again", () => {
    const events = upTo("after/review");
    const gate = runState(plan, events);
    expect(gate.next!.step.kind).toBe("approval");
    expect(refusalOf(() => runState(plan, [...events, done("after/review")]))).toMatch(/approved or sent back/);
    const back: RunEvent = { kind: "sent-back", step: "after/review", to: "down-0/setpoint", by: "expert", at, comment: "下行程 0 点重测" };
    const redo = runState(plan, [...events, back]);
    expect(redo.next!.key).toBe("down-0/setpoint");
    expect(refusalOf(() => runState(plan, [...events, { ...back, to: "after/review" }]))).toMatch(/earlier step/);
    const finished = runState(plan, [...events, back, ...upTo("after/review").slice(plan.findIndex((p) => p.key === "down-0/setpoint")), { kind: "approved", step: "after/review", by: "expert", at }]);
    expect(finished.finished).toBe(true);
    expect(finished.next).toBeNull();
    expect(finished.approvals.get("after/review")!.by).toBe("expert");
    expect(refusalOf(() => runState(plan, [...events, { kind: "approved", step: "after/review", by: "expert", at }, done("after/review")]))).toMatch(/finished/);
  });
});
