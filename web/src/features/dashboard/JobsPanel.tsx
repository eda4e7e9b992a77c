import type { Job } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { hrefOf } from "../../shell/route";

const ORDER = { running: 0, held: 1, finished: 2, cancelled: 3 } as const;

export function JobsPanel({ jobs, error }: { jobs: Job[] | undefined; error: Error | null }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const sorted = [...(jobs ?? [])].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt - a.createdAt);
  return (
    <section className="panel panel-jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">{t("dashboard.jobs")}</h2>
      {error && <p className="error">{t("common.loadFailed", { code: error.message })}</p>}
      {jobs && jobs.length === 0 && <p className="muted">{t("dashboard.noJobs")}</p>}
      <ul className="job-list">
        {sorted.map((job) => (
          <li key={job.id} className={`job-item job-${job.status}`} data-testid={`job-${job.id}`}>
            <a href={hrefOf({ page: "job", id: job.id })} className="job-link">
              <span className={`badge badge-${job.status}`}>{t(`job.status.${job.status}`)}</span>
              <span className="job-title">{job.title[lang]}</span>
              <span className="muted">{t(`job.mode.${job.mode}`)}</span>
              <progress max={job.steps} value={job.done} aria-label={t("job.progress", { done: job.done, steps: job.steps })} />
              <span className="muted">{t("job.progress", { done: job.done, steps: job.steps })}</span>
            </a>
            {job.standards.filter((s) => s.status === "due-soon").map((s) => (
              <p key={s.instrumentId} className="warning">{t("standards.dueSoon", { number: s.certificateNumber, days: s.daysLeft })}</p>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}
