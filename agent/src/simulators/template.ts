import { formatScpiNumber } from "./scpi-header";

/**
 * Fills a reply template: "{value:10.2f}" right-aligns in 10 with 2 decimals, "{value:.4f}" fixes 4
 * decimals, "{value:E}" writes an SCPI number, "{name}" writes the field as it is. An unknown field
 * stays as written, so a wrong template is visible in the reply.
 */
export function renderTemplate(template: string, fields: Readonly<Record<string, number | string>>): string {
  return template.replace(/\{(\w+)(?::([^}]*))?\}/g, (whole, name: string, spec: string | undefined) => {
    const field = fields[name];
    if (field === undefined) return whole;
    if (typeof field === "string" || spec === undefined || spec === "") return String(field);
    if (spec === "E") return formatScpiNumber(field);
    const fixed = /^(\d*)\.(\d+)f$/.exec(spec);
    if (!fixed) return String(field);
    const text = field.toFixed(Number(fixed[2]));
    return fixed[1] ? text.padStart(Number(fixed[1])) : text;
  });
}
