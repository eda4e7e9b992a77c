import { ProcedureDocument, TelecalError } from "@telecal/protocols";
import type { z } from "zod";
import { compileModel } from "../uncertainty/model";
import { pointScope } from "./expressions";
import { runsAt } from "./plan";

// The wire schema (fields, types, defaults) is the contract's (protocols/src/procedures.ts); this
// adds the cross-checks that need metrology: ids, equipment and functions named, model inputs fed.
export {
  Contribution,
  DecisionRuleName,
  Equipment,
  EquipmentRole,
  ProcedureMode,
  SetValue,
  Step,
  TestPoint,
  Text,
  type StepKind,
} from "@telecal/protocols";

/**
 * A calibration or verification procedure as data: what a lab writes once per regulation and runs
 * for every job. Validated strictly (unknown fields refused), so that a typo in a procedure file is
 * an error naming the field, never a silently skipped step.
 */
export const Procedure = ProcedureDocument
  .superRefine((p, ctx) => {
    const equipment = new Set(p.equipment.map((e) => e.id));
    const functions = new Set(p.points.flatMap((point) => (point.function === undefined ? [] : [point.function])));
    const stepIds = new Set<string>();
    for (const [phase, steps] of Object.entries(p.steps)) {
      steps.forEach((step, i) => {
        if (stepIds.has(step.id)) ctx.addIssue({ code: "custom", path: ["steps", phase, i, "id"], message: `step id '${step.id}' is used twice` });
        stepIds.add(step.id);
        if ("equipment" in step && step.equipment !== undefined && !equipment.has(step.equipment)) {
          ctx.addIssue({ code: "custom", path: ["steps", phase, i, "equipment"], message: `no equipment '${step.equipment}' in this procedure` });
        }
        if (step.only !== undefined && phase !== "perPoint") {
          ctx.addIssue({ code: "custom", path: ["steps", phase, i, "only"], message: "only a per-point step can run for some functions only" });
        }
        step.only?.forEach((fn, j) => {
          if (!functions.has(fn)) ctx.addIssue({ code: "custom", path: ["steps", phase, i, "only", j], message: `no point of function '${fn}' in this procedure` });
        });
      });
    }
    const pointIds = new Set(p.points.map((point) => point.id));
    p.points.forEach((point, i) => {
      if (p.points.findIndex((q) => q.id === point.id) !== i) {
        ctx.addIssue({ code: "custom", path: ["points", i, "id"], message: `point id '${point.id}' is used twice` });
      }
      if (point.pair !== undefined && !pointIds.has(point.pair)) {
        ctx.addIssue({ code: "custom", path: ["points", i, "pair"], message: `no point '${point.pair}' in this procedure` });
      }
      // Every input the model names is fed at this point: by a read or entry that runs here, a
      // contribution, or the point's own x, range and vars. Else the run could end and its results fail.
      const fed = new Set([
        ...p.steps.perPoint.flatMap((s) => ((s.kind === "read" || s.kind === "manual") && runsAt(s, point) ? [s.into] : [])),
        ...p.uncertainty.contributions.map((c) => c.input),
        ...Object.keys(pointScope(point)),
      ]);
      try {
        compileModel(p.uncertainty.model, [...fed], `point ${point.id}`, "uncertainty.model");
      } catch (err) {
        const reason = err instanceof TelecalError ? (typeof err.params["reason"] === "string" ? err.params["reason"] : err.message) : String(err);
        ctx.addIssue({ code: "custom", path: ["points", i], message: `point '${point.id}': ${reason} (fed at this point by its steps and contributions)` });
      }
    });
  });
export type Procedure = z.infer<typeof Procedure>;
export type ProcedureInput = z.input<typeof Procedure>;
