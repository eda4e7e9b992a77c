import { MqttJsonSimulator, type People } from "@telecal/agent";
import { evaluateExpression, type PlannedStep, pointScope, type Procedure, type RunEvent, setValueAt } from "@telecal/metrology";
import { TelecalError } from "@telecal/protocols";
import { type DemoLab, simulatorOf } from "./demo-lab";

/** How long the demo technician waits after touching the bench, as a person waits for stability. */
const SETTLE_MS = 1200;

/**
 * The demo's people: the technician does what each step's `demo` says (places the weight, sets
 * the bath, types the value), reads the room from the middle of its limits; the expert approves.
 */
export class DemoPeople implements People {
  constructor(
    private readonly procedure: Procedure,
    private readonly lab: DemoLab,
    private readonly binding: Record<string, string>,
    private readonly now: () => number = Date.now,
  ) {}

  async answer(planned: PlannedStep): Promise<RunEvent> {
    const step = planned.step;
    const where = `${this.procedure.id} ${planned.key}`;
    if (step.kind === "approval") return { kind: "approved", step: planned.key, by: "expert", at: this.now(), comment: "演示自动批准 demo approval" };
    if (step.kind === "environment") {
      const { temperature, humidity } = this.procedure.environment;
      const mid = (l: { min: number; max: number }) => (l.min + l.max) / 2;
      return { kind: "completed", step: planned.key, values: humidity ? [mid(temperature), mid(humidity)] : [mid(temperature)], by: "technician", at: this.now() };
    }
    if (step.kind !== "instruction" && step.kind !== "manual") throw new TelecalError("TC_ERR_STEP_OUT_OF_ORDER", { step: planned.key, reason: `no person does a ${step.kind} step` });
    if (step.demo && step.demo.set.length > 0) {
      for (const s of step.demo.set) this.setSimulator(s.equipment, s.property, setValueAt(s.value, planned.point, where), planned.key);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
    }
    if (step.kind === "instruction") return { kind: "completed", step: planned.key, values: [], by: "technician", at: this.now() };
    if (!step.demo?.enter) throw new TelecalError("TC_ERR_STEP_OUT_OF_ORDER", { step: planned.key, reason: "a manual step without demo.enter cannot run in a demo" });
    const value = evaluateExpression(step.demo.enter, pointScope(planned.point), where);
    return { kind: "completed", step: planned.key, values: Array.from({ length: planned.count }, () => value), by: "technician", at: this.now() };
  }

  private setSimulator(equipment: string, property: string, value: number | string, step: string): void {
    const instrumentId = this.binding[equipment];
    if (instrumentId === undefined) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `step ${step} sets a simulator, but the equipment is bound to none` });
    const mqtt = this.lab.mqttSims.get(instrumentId);
    if (mqtt instanceof MqttJsonSimulator && typeof value === "number") return mqtt.setNominal(property, value);
    const sim = simulatorOf(this.lab, instrumentId);
    if (!sim?.setProperty(property, value)) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `simulator of ${instrumentId} refused ${property} = ${value}` });
  }
}
