import type { SessionInstrument, UserInfo } from "@telecal/protocols";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { VideoPanel } from "../media/VideoPanel";
import { ChatPanel } from "../session/ChatPanel";
import { SessionContext, useSessionSnapshot } from "../session/context";
import { ControlPanel } from "../session/ControlPanel";
import { ParticipantsPanel } from "../session/ParticipantsPanel";
import { TimelinePanel } from "../session/TimelinePanel";
import { useJobSession } from "../session/useJobSession";
import { CertificatePanel } from "./CertificatePanel";
import { ConformityDecisions } from "./ConformityDecisions";
import { JobBench } from "./JobBench";
import { PlanList } from "./PlanList";
import { PointResults } from "./PointResults";
import { StepPanel } from "./StepPanel";
import { type JobView, useJobRun } from "./useJobRun";

/**
 * One job's session: video, the people, control of the bench and its live readings beside the guided
 * procedure, the results so far, chat and the session's timeline. The run is read again whenever the
 * session says the job changed.
 */
export function JobPage({ id, user }: { id: string; user: UserInfo }) {
  const session = useJobSession(id);
  const { view, error, refresh } = useJobRun(id);
  useEffect(() => session?.onRunChanged(refresh), [session, refresh]);
  return (
    <SessionContext value={session}>
      <JobSession view={view} error={error} refresh={refresh} user={user} />
    </SessionContext>
  );
}

function JobSession({ view, error, refresh, user }: { view: JobView | undefined; error: Error | null; refresh: () => void; user: UserInfo }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const session = useSessionSnapshot();
  if (!view) {
    return error ? <p className="error" data-testid="job-error">{t("common.loadFailed", { code: error.message })}</p> : <p className="muted">{t("common.loading")}</p>;
  }
  const { run, procedure } = view;
  const job = run.job;
  const equipmentName = (instrument: SessionInstrument) => {
    const name = procedure.equipment.find((e) => e.id === instrument.equipment)?.name[lang];
    return name ? `${name} (${instrument.agentInstrumentId})` : instrument.agentInstrumentId;
  };
  const instrumentName = (instrumentId: string) => {
    const instrument = session.state?.instruments.find((i) => i.instrumentId === instrumentId);
    return instrument ? equipmentName(instrument) : instrumentId;
  };
  return (
    <div className="job-page" data-testid="job-page" data-job={job.id} data-status={job.status}>
      <header className="job-header">
        <h1 className="page-title">
          {procedure.title[lang]} <span className="muted">{procedure.regulation.code}</span>
        </h1>
        <p className="job-meta">
          <span className={`badge badge-${job.status}`} data-testid="job-status">{t(`job.status.${job.status}`)}</span>
          <span>{t(`job.mode.${job.mode}`)}</span>
          <span>{t("job.technician", { name: view.nameOf(`user:${job.technicianId}`) })}</span>
          <span>{t("job.expert", { name: view.nameOf(`user:${job.expertId}`) })}</span>
          <span data-testid="job-progress">{t("job.progress", { done: job.done, steps: job.steps })}</span>
        </p>
        {job.standards.filter((s) => s.status === "due-soon").map((s) => (
          <p key={s.instrumentId} className="warning">{t("standards.dueSoon", { number: s.certificateNumber, days: s.daysLeft })}</p>
        ))}
        {error && <p className="warning">{t("job.stale", { code: error.message })}</p>}
        {session.kind === "refused" && <p className="warning" data-testid="session-refused">{t("session.joinRefused", { code: session.error.code })}</p>}
      </header>
      <div className="job-layout">
        <div className="job-side">
          <VideoPanel jobId={job.id} user={user} />
          <ParticipantsPanel />
          <ControlPanel mayGrant={user.id === job.technicianId || user.role === "admin"} nameOf={equipmentName} />
          <JobBench job={job} />
        </div>
        <div className="job-procedure">
          <StepPanel view={view} user={user} onChanged={refresh} />
          <PointResults view={view} />
          <ConformityDecisions view={view} user={user} onChanged={refresh} />
          {job.status === "finished" && (user.role === "expert" || user.role === "admin") && user.organisation.id === job.organisationId && <CertificatePanel view={view} user={user} />}
          <ChatPanel />
          <TimelinePanel instrumentName={instrumentName} />
          <PlanList view={view} />
        </div>
      </div>
    </div>
  );
}
