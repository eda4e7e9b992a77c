import { type InstrumentCommand, type OutputEnvelope, type SessionInstrument, TelecalError } from "@telecal/protocols";
import { runsAt } from "./plan";
import type { Procedure, Step } from "./schema";

/**
 * The job's output envelope of one piece of equipment (DESIGN.md: the agent's gate, kept by the
 * server too, both from this one function): a source that a `set` step drives to a number (a literal or an expression of the
 * point) may be set, in the unit of each test point that step runs at, between zero and the extreme
 * nominals of that unit. Equipment no step sets to a number has no envelope ([]).
 */
export function outputEnvelope(procedure: Procedure, equipment: string): OutputEnvelope[] {
  const sets = (s: Step) => s.kind === "set" && s.equipment === equipment && typeof s.value !== "string";
  // A per-point step counts at the points it runs at (`only`): a source set for the voltage points
  // only gets no resistance envelope. One set before or after the points counts for all of them.
  const whole = [...procedure.steps.before, ...procedure.steps.after].some(sets);
  const points = whole ? procedure.points : procedure.points.filter((p) => procedure.steps.perPoint.some((s) => sets(s) && runsAt(s, p)));
  const byUnit = new Map<string, OutputEnvelope>();
  for (const point of points) {
    const known = byUnit.get(point.unit) ?? { unit: point.unit, min: 0, max: 0 };
    byUnit.set(point.unit, { unit: point.unit, min: Math.min(known.min, point.nominal), max: Math.max(known.max, point.nominal) });
  }
  return [...byUnit.values()];
}

/**
 * Refuses a set point outside the instrument's envelope in this job. A set in a unit the envelope
 * does not list is refused too (min and max "none"): the job asks nothing of the source in it.
 * Instruments without an envelope, and output on/off, are not limited here.
 */
export function checkEnvelope(jobId: string, instrument: Pick<SessionInstrument, "instrumentId" | "envelope">, command: InstrumentCommand): void {
  if (command.kind !== "set" || instrument.envelope.length === 0) return;
  const { value, unit } = command;
  const range = instrument.envelope.find((e) => e.unit === unit);
  if (range && value >= range.min && value <= range.max) return;
  throw new TelecalError("TC_ERR_COMMAND_OUT_OF_ENVELOPE", {
    value,
    unit,
    job: jobId,
    instrument: instrument.instrumentId,
    min: range?.min ?? "none",
    max: range?.max ?? "none",
  });
}
