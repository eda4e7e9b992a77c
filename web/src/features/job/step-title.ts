import { type PlannedStep, setValueAt } from "@telecal/metrology";
import type { Equipment } from "@telecal/protocols";
import type { TFunction } from "i18next";

/**
 * A step in a line: the instruction or prompt itself where there is one, else what the bench does,
 * in the page's language: the procedure's names of its equipment, and the properties, measurements
 * and words a driver knows by id (output, dcv, OPER) named in words, the id where none is known.
 */
export function stepTitle(s: PlannedStep, lang: "zh" | "en", t: TFunction, equipment: readonly Equipment[]): string {
  const step = s.step;
  const nameOf = (id: string) => equipment.find((e) => e.id === id)?.name[lang] ?? id;
  const word = (group: string, id: string) => t(`driverWords.${group}.${id}`, { defaultValue: id });
  switch (step.kind) {
    case "instruction":
      return step.text[lang];
    case "manual":
    case "approval":
      return step.prompt[lang];
    case "environment":
      return t("step.environment");
    case "set": {
      const value = setValueAt(step.value, s.point, s.key);
      const shown = typeof value === "number" ? (s.point ? `${value} ${s.point.unit}` : String(value)) : word("word", value);
      return t("step.set", { equipment: nameOf(step.equipment), property: word("property", step.property), value: shown });
    }
    case "read":
      // The measurement tells a voltage point's read from a resistance point's (dcv, res2w).
      return t("step.read", { equipment: nameOf(step.equipment), measurement: step.measurement === undefined ? "" : t("step.measured", { what: word("measurement", step.measurement) }), count: s.count });
  }
}
