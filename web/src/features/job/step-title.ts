import { type PlannedStep, setValueAt } from "@telecal/metrology";
import type { TFunction } from "i18next";

/** A step in a line: the instruction or prompt itself where there is one, else what the bench does. */
export function stepTitle(s: PlannedStep, lang: "zh" | "en", t: TFunction): string {
  const step = s.step;
  switch (step.kind) {
    case "instruction":
      return step.text[lang];
    case "manual":
    case "approval":
      return step.prompt[lang];
    case "environment":
      return t("step.environment");
    case "set":
      {
      const value = setValueAt(step.value, s.point, s.key);
      return t("step.set", { equipment: step.equipment, property: step.property, value: typeof value === "number" && s.point ? `${value} ${s.point.unit}` : String(value) });
    }
    case "read":
      // The measurement tells a voltage point's read from a resistance point's (dcv, res2w).
      return t("step.read", { equipment: step.equipment, measurement: step.measurement === undefined ? "" : ` (${step.measurement})`, count: s.count });
  }
}
