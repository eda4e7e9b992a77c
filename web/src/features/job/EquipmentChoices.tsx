import type { Instrument, ProcedureSummary } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";

type Equipment = ProcedureSummary["equipment"][number];

/** Equipment a job must bind: what runs on the bench, and every reference standard (as the server asks). */
export const mustBind = (e: Equipment): boolean => e.drivers.length > 0 || e.traceable;

/** Equipment the form offers: what must be bound, and a unit under test read by eye (so the job names its item and serial). */
export const offered = (e: Equipment): boolean => mustBind(e) || e.role === "uut";

/**
 * The choice a binding keeps: the one made if it still fits, else the first that fits, else none.
 * Only instruments the server said fit are ever offered, so an ill-fitting default cannot be sent.
 */
export function chosenBinding(needed: Equipment[], candidates: Record<string, string[]>, binding: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    needed.map((e) => {
      const fit = candidates[e.id] ?? [];
      // Equipment that need not be bound stays unbound until someone picks an instrument for it.
      return [e.id, fit.includes(binding[e.id] ?? "") ? binding[e.id]! : mustBind(e) ? (fit[0] ?? "") : ""];
    }),
  );
}

/** Whether every equipment that must be bound is. */
export const bindingComplete = (needed: Equipment[], chosen: Record<string, string>): boolean => needed.every((e) => !mustBind(e) || chosen[e.id] !== "");

/** A select per equipment to bind, offering only the instruments that fit it; a line where none does. */
export function EquipmentChoices(props: {
  needed: Equipment[];
  instruments: Instrument[];
  candidates: Record<string, string[]>;
  chosen: Record<string, string>;
  onChoose: (equipment: string, instrument: string) => void;
}) {
  const { t } = useTranslation();
  const lang = useTextLang();
  return (
    <>
      {props.needed.map((e) => {
        const fit = props.instruments.filter((i) => (props.candidates[e.id] ?? []).includes(i.id));
        return (
          <label key={e.id}>
            {e.name[lang]}
            {fit.length === 0 && mustBind(e) ? (
              <span className="error" data-testid={`new-job-equipment-${e.id}-none`}>{t("newJob.noneFits")}</span>
            ) : (
              <select value={props.chosen[e.id]} onChange={(ev) => props.onChoose(e.id, ev.target.value)} data-testid={`new-job-equipment-${e.id}`}>
                {!mustBind(e) && <option value="">{t("newJob.notRegistered")}</option>}
                {fit.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.maker} {i.model} {i.serial} {i.range ? `(${i.range})` : ""} {i.agentInstrumentId ? `[${i.agentInstrumentId}]` : ""}
                  </option>
                ))}
              </select>
            )}
          </label>
        );
      })}
    </>
  );
}
