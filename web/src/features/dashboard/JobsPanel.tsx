import type { Job } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { hrefOf } from "../../shell/route";

const ORDER = { running: 0, held: 1, finished: 2, cancelled: 3 } as const;

/**
 * The jobs as a table a person scans: procedure, item under test, its serial, the technician, when
 * the job was created and where it stands. Open jobs first, then the newest.
 */
export function JobsPanel({ jobs, error }: { jobs: Job[] | undefined; error: Error | null }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const sorted = [...(jobs ?? [])].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt - a.createdAt);
  return (
    <section className="panel panel-jobs" aria-labelledby="jobs-heading">
      <h2 id="jobs-heading">{t("dashboard.jobs")}</h2>
      {error && <p className="error">{t("common.loadFailed", { code: error.message })}</p>}
      {jobs && jobs.length === 0 && <p className="muted">{t("dashboard.noJobs")}</p>}
      {sorted.length > 0 && (
        <table className="job-table" data-testid="job-table">
          <thead>
            <tr>
              <th scope="col">{t("jobList.procedure")}</th>
              <th scope="col">{t("jobList.item")}</th>
              <th scope="col">{t("jobList.serial")}</th>
              <th scope="col">{t("jobList.technician")}</th>
              <th scope="col">{t("jobList.created")}</th>
              <th scope="col">{t("jobList.state")}</th>
            </tr>
          </thead>
          <tbody>
            {sorted.map((job) => (
              <tr key={job.id} className={`job-item job-${job.status}`} data-testid={`job-${job.id}`}>
                <td>
                  <a href={hrefOf({ page: "job", id: job.id })} className="job-link">
                    <span className="job-title">{job.title[lang]}</span>
                  </a>
                  <span className="muted"> {t(`job.mode.${job.mode}`)}</span>
                  {job.standards.filter((s) => s.status === "due-soon").map((s) => (
                    <p key={s.instrumentId} className="warning">{t("standards.dueSoon", { number: s.certificateNumber, days: s.daysLeft })}</p>
                  ))}
                </td>
                <td>{job.item ? `${job.item.maker} ${job.item.model}` : "—"}</td>
                <td>{job.item?.serial ?? "—"}</td>
                <td>{job.technician ? job.technician.displayName || job.technician.username : "—"}</td>
                <td>
                  <time dateTime={new Date(job.createdAt).toISOString()}>{new Date(job.createdAt).toLocaleString()}</time>
                </td>
                <td>
                  <span className={`badge badge-${job.status}`}>{t(`job.status.${job.status}`)}</span>
                  {job.status !== "cancelled" && (
                    <>
                      {" "}
                      <progress max={job.steps} value={job.done} aria-label={t("job.progress", { done: job.done, steps: job.steps })} />
                      <span className="muted"> {t("job.progress", { done: job.done, steps: job.steps })}</span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
