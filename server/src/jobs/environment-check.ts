import type { Procedure, RunEvent, RunState } from "@telecal/metrology";
import { TelecalError } from "@telecal/protocols";

const QUANTITIES = [
  { key: "temperature", zh: "温度" },
  { key: "humidity", zh: "湿度" },
] as const;

/**
 * The check of a technician's entry for an environment step: each value within the procedure's
 * limits, else TC_ERR_ENVIRONMENT_OUT_OF_LIMITS naming it. A calibration at 30 °C under a
 * procedure of 15-25 °C is not under its conditions; it was accepted and printed before this.
 */
export function environmentCheck(procedure: Procedure, event: RunEvent): (state: RunState) => void {
  return (state) => {
    if (event.kind !== "completed" || state.next?.key !== event.step || state.next.step.kind !== "environment") return;
    const values = event.values ?? [];
    QUANTITIES.forEach(({ key, zh }, i) => {
      const limits = procedure.environment[key];
      const value = values[i];
      if (limits === undefined || value === undefined || (value >= limits.min && value <= limits.max)) return;
      throw new TelecalError("TC_ERR_ENVIRONMENT_OUT_OF_LIMITS", { quantity: key, quantityZh: zh, value, unit: limits.unit, min: limits.min, max: limits.max });
    });
  };
}
