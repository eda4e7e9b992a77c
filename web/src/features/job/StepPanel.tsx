import { isBenchStep } from "@telecal/metrology";
import type { JobEventRequest, RunEvent, UserInfo } from "@telecal/protocols";
import { type FormEvent, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { ApiError } from "../../api/client";
import { api } from "../../api/platform";
import { stepTitle } from "./step-title";
import type { JobView } from "./useJobRun";


/** The range the procedure allows for an environment entry: the server refuses a value outside it. */
function EnvironmentLimits({ limits }: { limits: { min: number; max: number; unit: string } | undefined }) {
  const { t } = useTranslation();
  if (!limits) return null;
  return <small className="muted" data-testid="step-limits">{t("step.limits", limits)}</small>;
}

/**
 * The step waiting now, and what the person looking may do about it: the job's technician completes
 * instructions, entries and the environment; its expert approves or sends back, holds and resumes.
 */
export function StepPanel({ view, user, onChanged }: { view: JobView; user: UserInfo; onChanged: () => void }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [comment, setComment] = useState("");
  const [values, setValues] = useState<string[]>([]);
  const [backTo, setBackTo] = useState("");
  const job = view.run.job;
  const isTechnician = user.id === job.technicianId;
  const isExpert = user.id === job.expertId;
  const next = view.state.next;

  async function send(body: JobEventRequest) {
    setBusy(true);
    setError(null);
    try {
      await api.jobEvent(job.id, body);
      setValues([]);
      setComment("");
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  }

  if (view.state.finished || next === null) {
    return (
      <section className="panel step step-finished" data-testid="step" data-kind="finished">
        <h2>{t("step.finished")}</h2>
      </section>
    );
  }

  const step = next.step;
  const fields = step.kind === "manual" ? Array.from({ length: next.count }, (_, i) => `${i + 1}`) : step.kind === "environment" ? (view.procedure.environment.humidity ? ["temperature", "humidity"] : ["temperature"]) : [];
  const numbers = fields.map((_, i) => Number(values[i]));
  const complete = (e: FormEvent) => {
    e.preventDefault();
    void send({ kind: "completed", step: next.key, values: numbers });
  };
  const earlier = view.plan.filter((s) => s.index < next.index);

  return (
    <section className={`panel step step-${step.kind}`} data-testid="step" data-step={next.key} data-kind={step.kind} aria-live="polite">
      <h2>
        {t("step.current")}: {next.point ? `${next.point.nominal} ${next.point.unit} · ` : ""}
        {stepTitle(next, lang, t, view.procedure.equipment)}
      </h2>
      {view.state.held && <Held view={view} />}
      {step.kind === "instruction" && step.image && <img className="step-image" src={step.image} alt="" />}
      {isBenchStep(step) && <p className="muted" data-testid="bench-running">{t("step.bench")}</p>}

      {(step.kind === "instruction" || step.kind === "manual" || step.kind === "environment") &&
        (isTechnician ? (
          <form className="form form-inline" onSubmit={complete}>
            {fields.map((f, i) => (
              <label key={f}>
                {step.kind === "environment" ? t(`step.${f}`) : t("step.entry", { n: f, unit: step.kind === "manual" ? step.unit : "" })}
                <input inputMode="decimal" required value={values[i] ?? ""} onChange={(e) => setValues(Object.assign([...values], { [i]: e.target.value }))} data-testid={`step-value-${i}`} />
                {step.kind === "environment" && <EnvironmentLimits limits={view.procedure.environment[f as "temperature" | "humidity"]} />}
              </label>
            ))}
            <button type="submit" disabled={busy || view.state.held || numbers.some((n) => !Number.isFinite(n))} data-testid="step-complete">
              {t("step.complete")}
            </button>
          </form>
        ) : (
          <p className="muted">{t("step.waitingFor", { name: view.nameOf(`user:${job.technicianId}`) })}</p>
        ))}

      {step.kind === "approval" &&
        (isExpert ? (
          <div className="form">
            <label>
              {t("step.comment")}
              <textarea value={comment} onChange={(e) => setComment(e.target.value)} data-testid="step-comment" />
            </label>
            <div className="form-inline">
              <button type="button" disabled={busy || view.state.held} onClick={() => void send({ kind: "approved", step: next.key, ...(comment ? { comment } : {}) })} data-testid="step-approve">
                {t("step.approve")}
              </button>
              <select value={backTo} onChange={(e) => setBackTo(e.target.value)} data-testid="step-back-to">
                <option value="">{t("step.backTo")}</option>
                {earlier.map((s) => (
                  <option key={s.key} value={s.key}>
                    {s.point ? `${s.point.nominal} ${s.point.unit} · ` : ""}
                    {stepTitle(s, lang, t, view.procedure.equipment)}
                  </option>
                ))}
              </select>
              <button type="button" disabled={busy || backTo === "" || comment.trim() === ""} onClick={() => void send({ kind: "sent-back", step: next.key, to: backTo, comment })} data-testid="step-send-back">
                {t("step.sendBack")}
              </button>
            </div>
          </div>
        ) : (
          <p className="muted">{t("step.waitingFor", { name: view.nameOf(`user:${job.expertId}`) })}</p>
        ))}

      {isExpert && (
        <div className="form-inline">
          {view.state.held ? (
            <button type="button" disabled={busy} onClick={() => void send({ kind: "resumed" })} data-testid="job-resume">
              {t("step.resume")}
            </button>
          ) : (
            <button type="button" className="danger" disabled={busy} onClick={() => void send({ kind: "held", ...(comment ? { comment } : {}) })} data-testid="job-hold">
              {t("step.hold")}
            </button>
          )}
        </div>
      )}
      {error && <p className="error" role="alert" data-testid="step-error">{error}</p>}
    </section>
  );
}

/** Who holds the run and why: the expert (with the comment given), or the bench, with the failure. */
function Held({ view }: { view: JobView }) {
  const { t } = useTranslation();
  const hold = [...view.run.events].reverse().find((e): e is Extract<RunEvent, { kind: "held" }> => e.kind === "held");
  const bench = hold?.by.startsWith("agent:") ?? false;
  return (
    <p className="warning" data-testid="held" data-by={bench ? "bench" : "expert"}>
      {bench ? t("step.benchHeld", { reason: hold?.comment ?? "" }) : t("step.held")}
      {!bench && hold?.comment ? ` ${t("step.heldComment", { comment: hold.comment })}` : ""}
    </p>
  );
}
