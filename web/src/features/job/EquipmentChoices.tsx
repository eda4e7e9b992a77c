import type { Instrument, ProcedureSummary } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";

type Equipment = ProcedureSummary["equipment"][number];

/** Equipment a job must bind: what runs on the bench, and every reference standard (as the server asks). */
export const mustBind = (e: Equipment): boolean => e.drivers.length > 0 || e.traceable;

/**
 * The choice a binding keeps: the one made if it still fits, else the first that fits, else none.
 * Only instruments the server said fit are ever offered, so an ill-fitting default cannot be sent.
 */
export function chosenBinding(needed: Equipment[], candidates: Record<string, string[]>, binding: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    needed.map((e) => {
      const fit = candidates[e.id] ?? [];
      return [e.id, fit.includes(binding[e.id] ?? "") ? binding[e.id]! : (fit[0] ?? "")];
    }),
  );
}

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
            {fit.length === 0 ? (
              <span className="error" data-testid={`new-job-equipment-${e.id}-none`}>{t("newJob.noneFits")}</span>
            ) : (
              <select value={props.chosen[e.id]} onChange={(ev) => props.onChoose(e.id, ev.target.value)} data-testid={`new-job-equipment-${e.id}`}>
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
