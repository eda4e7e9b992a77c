import type { SimDefinition, SimProperty } from "./definition";
import { parseQuantityParam } from "./quantity-param";
import type { PropertyValue } from "./signal";
import type { StatusRegisters } from "./status-registers";

/**
 * The settings of one simulated instrument, each checked against its definition: one of the
 * property's words, or a number (with its unit, SI prefixes allowed) within its own limits and those
 * that other settings set. A refused value changes nothing and leaves its SCPI error in the queue.
 */
export class Properties {
  private readonly values = new Map<string, PropertyValue>();

  constructor(
    private readonly definition: SimDefinition,
    private readonly status: StatusRegisters,
  ) {
    this.reset();
  }

  get(name: string): PropertyValue | undefined {
    return this.values.get(name);
  }

  /** Every setting by name, for reply templates. */
  fields(): Record<string, number | string> {
    return Object.fromEntries(this.values);
  }

  /** The definition's initial values (*RST). */
  reset(): void {
    for (const [name, spec] of Object.entries(this.definition.properties)) this.values.set(name, spec.initial);
  }

  /** Sets one property, validated; false if it has no such property or the value is refused. */
  set(name: string, value: PropertyValue): boolean {
    const spec = this.definition.properties[name];
    if (!spec) return false;
    const parsed = this.validate(spec, value);
    if (parsed === null) return false;
    this.values.set(name, parsed);
    return true;
  }

  /**
   * Sets `names` to `values` in order, over `defaults`, all or nothing: false, and no setting
   * changed, if one value is refused or lies outside the limits the others set.
   */
  setAll(names: string[], values: PropertyValue[], defaults: Record<string, PropertyValue> = {}): boolean {
    const staged = new Map<string, PropertyValue>(Object.entries(defaults));
    for (let i = 0; i < names.length && i < values.length; i++) {
      const name = names[i]!;
      const parsed = this.validate(this.definition.properties[name]!, values[i]!);
      if (parsed === null) return false;
      staged.set(name, parsed);
    }
    for (const [name, value] of staged) {
      if (!this.withinLinkedLimits(name, value, staged)) {
        this.status.push(-222, "Data out of range");
        return false;
      }
    }
    for (const [name, value] of staged) this.values.set(name, value);
    return true;
  }

  private validate(spec: SimProperty, raw: PropertyValue): PropertyValue | null {
    if (spec.values) {
      const word = String(raw).trim().toUpperCase();
      if (!spec.values.includes(word)) {
        this.status.push(-224, "Illegal parameter value");
        return null;
      }
      return word;
    }
    const value = typeof raw === "number" ? raw : parseQuantityParam(raw, spec.unit);
    if (value === null || !Number.isFinite(value)) {
      this.status.push(-104, "Data type error");
      return null;
    }
    if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
      this.status.push(-222, "Data out of range");
      return null;
    }
    return value;
  }

  /** Within the limits other settings set (minFrom, maxFrom), as staged or else as they are. */
  private withinLinkedLimits(name: string, value: PropertyValue, staged: Map<string, PropertyValue>): boolean {
    const spec = this.definition.properties[name];
    if (!spec || typeof value !== "number") return true;
    const limit = (from: string | undefined) =>
      from === undefined ? undefined : Number(staged.get(from) ?? this.values.get(from));
    const min = limit(spec.minFrom);
    const max = limit(spec.maxFrom);
    return !((min !== undefined && value < min) || (max !== undefined && value > max));
  }
}
