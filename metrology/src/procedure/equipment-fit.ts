import type { Equipment, InstrumentRole } from "@telecal/protocols";
import { inRange, parseRange } from "./instrument-range";
import type { Procedure } from "./schema";

/** What is known of an instrument offered for a procedure's equipment. */
export interface CandidateInstrument {
  role: InstrumentRole;
  /** The registry's quantity: "voltage", "mass" ... */
  quantity: string;
  /** The registry's range text. */
  range: string;
  /** The driver its agent announced for it; null when the agent has not said (never connected). */
  driver: string | null;
}

/** The quantities a procedure names ("voltage, resistance"), lower case. */
export function procedureQuantities(procedure: Pick<Procedure, "quantity">): string[] {
  return procedure.quantity.split(/[,;，、/]/).map((q) => q.trim().toLowerCase()).filter((q) => q !== "");
}

/**
 * Why an instrument cannot play a piece of equipment of the procedure, or null when it can: the
 * role it has (a unit under test only for the unit under test), the quantity it measures or
 * sources, a range that holds every test point (where the range text says anything of the point's
 * unit), and the driver that reads it on the bench (one the equipment names).
 */
export function equipmentMisfit(procedure: Procedure, equipment: Equipment, instrument: CandidateInstrument): string | null {
  const role = equipment.role === "uut" ? "uut" : "reference";
  if (instrument.role !== role) return `is a ${instrument.role === "uut" ? "unit under test" : "reference"}, the ${equipment.role} must be a ${role === "uut" ? "unit under test" : "reference"}`;
  // The environment's sensor measures the room, not the procedure's quantity at its points.
  if (equipment.role !== "environment") {
    const quantity = instrument.quantity.trim().toLowerCase();
    if (!procedureQuantities(procedure).some((q) => quantity === q || quantity.includes(q) || q.includes(quantity))) {
      return `measures ${instrument.quantity}, the procedure ${procedure.quantity}`;
    }
    const intervals = parseRange(instrument.range);
    const outside = procedure.points.filter((p) => inRange(intervals, p.nominal, p.unit) === false);
    if (outside.length > 0) return `has range ${instrument.range}, which does not hold ${outside.map((p) => `${p.nominal} ${p.unit}`).join(", ")}`;
  }
  if (equipment.drivers.length > 0 && instrument.driver !== null && !equipment.drivers.includes(instrument.driver)) {
    return `is read by driver ${instrument.driver}, the procedure needs ${equipment.drivers.join(" or ")}`;
  }
  return null;
}
