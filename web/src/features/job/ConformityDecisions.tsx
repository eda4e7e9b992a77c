import { isConditional } from "@telecal/metrology";
import type { ConformityDecision, UserInfo } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { api } from "../../api/platform";
import { useTextLang } from "../../i18n/useTextLang";
import type { JobView } from "./useJobRun";

/** The points of a finished 检定 whose result is conditional (待定): each needs an expert's decision before issue. */
export function conditionalPoints(view: JobView): string[] {
  if (view.procedure.mode !== "verification" || view.run.job.status !== "finished") return [];
  return view.results.filter((r) => r.decision && (isConditional(r.decision.code) || r.decision.code === "undetermined")).map((r) => r.point);
}

/** The latest decision on each point (a later one holds). */
export function latestDecisions(view: JobView): Map<string, ConformityDecision> {
  return new Map(view.run.conformityDecisions.map((d) => [d.point, d]));
}

function DecisionForm({ jobId, point, onChanged }: { jobId: string; point: string; onChanged: () => void }) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<"accept" | "reject">("accept");
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.decideConformity(jobId, { point, decision, comment });
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError("TC_ERR_NETWORK", String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="form decision-form" onSubmit={(e) => void submit(e)} data-testid={`conformity-form-${point}`}>
      {(["accept", "reject"] as const).map((d) => (
        <label key={d} className="inline">
          <input type="radio" name={`decision-${point}`} value={d} checked={decision === d} onChange={() => setDecision(d)} data-testid={`conformity-${d}-${point}`} /> {t(`decisions.${d}`)}
        </label>
      ))}
      <label>
        <span>{t("decisions.comment")}</span>
        <textarea value={comment} required maxLength={2000} onChange={(e) => setComment(e.target.value)} data-testid={`conformity-comment-${point}`} />
      </label>
      <button type="submit" disabled={busy || comment.trim() === ""} data-testid={`conformity-record-${point}`}>
        {busy ? t("decisions.recording") : t("decisions.record")}
      </button>
      {error && (
        <p className="error" role="alert" data-code={error.code}>
          {t("decisions.failed", { code: error.code, message: error.message })}
        </p>
      )}
    </form>
  );
}

/**
 * The 待定 points of a finished 检定 and the expert's decision on each, as the job's record keeps
 * it; an expert who can see the job records one where none is.
 */
export function ConformityDecisions({ view, user, onChanged }: { view: JobView; user: UserInfo; onChanged: () => void }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const points = conditionalPoints(view);
  if (points.length === 0) return null;
  const decided = latestDecisions(view);
  return (
    <section className="panel" aria-labelledby="decisions-heading" data-testid="conformity-decisions">
      <h2 id="decisions-heading">{t("decisions.heading")}</h2>
      <p className="muted">{t("decisions.intro")}</p>
      <ul className="decisions">
        {points.map((point) => {
          const result = view.results.find((r) => r.point === point)!;
          const d = decided.get(point);
          return (
            <li key={point} data-point={point} data-decision={d?.decision ?? ""}>
              <strong>{point}</strong> <span className={`decision decision-${result.decision!.code}`}>{result.decision!.label[lang]}</span>
              {d ? (
                <p data-testid={`conformity-recorded-${point}`}>
                  {t("decisions.by", { decision: t(`decisions.${d.decision}`), comment: d.comment, name: view.nameOf(d.by), at: new Date(d.at).toLocaleString() })}
                </p>
              ) : user.role === "expert" ? (
                <DecisionForm jobId={view.run.job.id} point={point} onChanged={onChanged} />
              ) : (
                <p className="muted">{t("decisions.none")}</p>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
