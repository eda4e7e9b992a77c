import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { stepTitle } from "./step-title";
import type { JobView } from "./useJobRun";

/** Every step of the run in order: done, waiting now, or to come. */
export function PlanList({ view }: { view: JobView }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const nextIndex = view.state.next?.index ?? view.plan.length;
  return (
    <details className="panel plan">
      <summary>{t("job.plan", { steps: view.plan.length })}</summary>
      <ol className="plan-list">
        {view.plan.map((s) => {
          const state = s.index < nextIndex ? "done" : s.index === nextIndex ? "current" : "todo";
          return (
            <li key={s.key} className={`plan-step plan-${state}`} data-step={s.key} data-state={state}>
              <span className="plan-key">{s.point ? `${s.point.nominal} ${s.point.unit}` : t(`job.phase.${s.key.split("/")[0]}`)}</span> {stepTitle(s, lang, t, view.procedure.equipment)}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
