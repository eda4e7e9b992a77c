import type { Instrument, UserInfo } from "@telecal/protocols";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import { api } from "../../api/platform";
import { bindingComplete, chosenBinding, EquipmentChoices, offered } from "./EquipmentChoices";
import { useCandidates } from "./useCandidates";
import type { JobView } from "./useJobRun";

/** Who may edit or cancel a job, as the server decides: its technician, expert, creator, or an admin of its organisation. */
export function mayChange(user: UserInfo, job: JobView["run"]["job"]): boolean {
  const party = user.id === job.technicianId || user.id === job.expertId || job.createdBy === `user:${user.id}`;
  return party || (user.role === "admin" && user.organisation.id === job.organisationId);
}

const problem = (err: unknown) => (err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));

/** A cancelled job's notice: who cancelled it, when and why. */
export function CancelledNotice({ view }: { view: JobView }) {
  const { t } = useTranslation();
  const cancelled = view.run.job.cancelled;
  if (!cancelled) return null;
  return (
    <p className="warning" role="status" data-testid="job-cancelled">
      {t("jobChanges.cancelledBy", { name: view.nameOf(cancelled.by), when: new Date(cancelled.at).toLocaleString(), reason: cancelled.reason })}
    </p>
  );
}

/**
 * Cancelling a job (at any time before it finished, with a reason) and, before its run began,
 * changing its binding and people. The server checks both again; its refusal is shown by code.
 */
export function JobChanges({ view, user, onChanged }: { view: JobView; user: UserInfo; onChanged: () => void }) {
  const { t } = useTranslation();
  const job = view.run.job;
  const [reason, setReason] = useState("");
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!mayChange(user, job) || job.status === "finished" || job.status === "cancelled") return null;

  async function cancel(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.cancelJob(job.id, { reason });
      onChanged();
    } catch (err) {
      setError(problem(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="job-changes-heading" data-testid="job-changes">
      <h2 id="job-changes-heading">{t("jobChanges.heading")}</h2>
      {job.startedAt === null && !editing && (
        <button type="button" onClick={() => setEditing(true)} data-testid="job-edit-open">
          {t("jobChanges.edit")}
        </button>
      )}
      {job.startedAt === null && editing && <EditJob view={view} onDone={() => { setEditing(false); onChanged(); }} />}
      {job.startedAt !== null && <p className="muted">{t("jobChanges.started")}</p>}
      <form className="form job-cancel-form" onSubmit={(e) => void cancel(e)}>
        <label>
          {t("jobChanges.reason")}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required data-testid="job-cancel-reason" />
        </label>
        <button type="submit" disabled={busy || reason.trim() === ""} data-testid="job-cancel">
          {t("jobChanges.cancel")}
        </button>
      </form>
      {error && <p className="error" role="alert" data-testid="job-changes-error">{error}</p>}
    </section>
  );
}

/** The job's binding and people, offered as the new-job form offers them (only instruments that fit). */
function EditJob({ view, onDone }: { view: JobView; onDone: () => void }) {
  const { t } = useTranslation();
  const job = view.run.job;
  const username = (id: string) => view.run.people.find((p) => p.id === id)?.username ?? "";
  const [instruments, setInstruments] = useState<Instrument[]>([]);
  const [binding, setBinding] = useState<Record<string, string>>(Object.fromEntries(Object.entries(job.binding).map(([e, b]) => [e, b.instrumentId])));
  const [technician, setTechnician] = useState(username(job.technicianId));
  const [expert, setExpert] = useState(username(job.expertId));
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const { candidates } = useCandidates(job.procedureId, job.agentId);
  useEffect(() => void api.instruments().then(setInstruments, (err: Error) => setError(err.message)), []);
  const needed = view.procedure.equipment.filter(offered);
  const chosen = chosenBinding(needed, candidates ?? {}, binding);

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      await api.editJob(job.id, { binding: Object.fromEntries(Object.entries(chosen).filter(([, id]) => id !== "")), technician, expert, reason });
      onDone();
    } catch (err) {
      setError(problem(err));
    }
  }

  return (
    <form className="form" onSubmit={(e) => void save(e)} data-testid="job-edit">
      {candidates && <EquipmentChoices needed={needed} instruments={instruments} candidates={candidates} chosen={chosen} onChoose={(e, id) => setBinding({ ...binding, [e]: id })} />}
      <label>
        {t("newJob.technician")}
        <input value={technician} onChange={(e) => setTechnician(e.target.value)} required data-testid="job-edit-technician" />
      </label>
      <label>
        {t("newJob.expert")}
        <input value={expert} onChange={(e) => setExpert(e.target.value)} required data-testid="job-edit-expert" />
      </label>
      <label>
        {t("jobChanges.editReason")}
        <input value={reason} onChange={(e) => setReason(e.target.value)} data-testid="job-edit-reason" />
      </label>
      <button type="submit" disabled={!candidates || !bindingComplete(needed, chosen)} data-testid="job-edit-save">
        {t("jobChanges.save")}
      </button>
      {error && <p className="error" role="alert">{error}</p>}
    </form>
  );
}
