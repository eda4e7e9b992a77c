import type { AgentListEntry, Instrument, ProcedureSummary, UserInfo } from "@telecal/protocols";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { ApiError } from "../../api/client";
import { api } from "../../api/platform";
import { hrefOf } from "../../shell/route";
import { bindingComplete, chosenBinding, EquipmentChoices, offered } from "../job/EquipmentChoices";
import { useCandidates } from "../job/useCandidates";

/** Starts a job: a procedure, the agent's bench, an instrument for each equipment, the people. */
export function NewJobForm({ user, instruments, agents, onCreated }: { user: UserInfo; instruments: Instrument[]; agents: AgentListEntry[]; onCreated: () => void }) {
  const { t } = useTranslation();
  const lang = useTextLang();
  const [procedures, setProcedures] = useState<ProcedureSummary[]>([]);
  const [procedureId, setProcedureId] = useState("");
  const [agentId, setAgentId] = useState(agents[0]?.agentId ?? "");
  const [binding, setBinding] = useState<Record<string, string>>({});
  const [technician, setTechnician] = useState(user.role === "technician" ? user.username : "");
  const [expert, setExpert] = useState(user.role === "expert" ? user.username : "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void api.procedures().then((list) => {
      setProcedures(list);
      setProcedureId((id) => id || list[0]?.id || "");
    }, (err: Error) => setError(err.message));
  }, []);

  const procedure = procedures.find((p) => p.id === procedureId);
  const needed = (procedure?.equipment ?? []).filter(offered);
  // What fits is the server's to say (kind, quantity, range, the bench's driver): the form offers only that.
  const { candidates, error: candidatesError } = useCandidates(procedureId, agentId);
  const chosen = chosenBinding(needed, candidates ?? {}, binding);
  const complete = candidates !== undefined && bindingComplete(needed, chosen);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const job = await api.createJob({ procedureId, agentId, binding: Object.fromEntries(Object.entries(chosen).filter(([, id]) => id !== "")), technician, expert });
      onCreated();
      window.location.hash = hrefOf({ page: "job", id: job.id });
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="new-job-heading">
      <h2 id="new-job-heading">{t("newJob.heading")}</h2>
      <form className="form" onSubmit={(e) => void submit(e)} data-testid="new-job">
        <label>
          {t("newJob.procedure")}
          <select value={procedureId} onChange={(e) => setProcedureId(e.target.value)} data-testid="new-job-procedure">
            {procedures.map((p) => (
              <option key={p.id} value={p.id}>
                {p.title[lang]} ({p.regulation.code}, {t(`job.mode.${p.mode}`)})
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("newJob.agent")}
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)} data-testid="new-job-agent">
            {agents.map((a) => (
              <option key={a.agentId} value={a.agentId}>
                {a.name} {a.online ? "" : `(${t("agent.offline")})`}
              </option>
            ))}
          </select>
        </label>
        {candidates && <EquipmentChoices needed={needed} instruments={instruments} candidates={candidates} chosen={chosen} onChoose={(e, id) => setBinding({ ...binding, [e]: id })} />}
        {candidatesError && <p className="error" role="alert">{t("common.loadFailed", { code: candidatesError.message })}</p>}
        <label>
          {t("newJob.technician")}
          <input value={technician} onChange={(e) => setTechnician(e.target.value)} required data-testid="new-job-technician" />
        </label>
        <label>
          {t("newJob.expert")}
          <input value={expert} onChange={(e) => setExpert(e.target.value)} required data-testid="new-job-expert" />
        </label>
        {error && <p className="error" role="alert" data-testid="new-job-error">{error}</p>}
        <button type="submit" disabled={busy || !procedure || !complete} data-testid="new-job-submit">
          {t("newJob.submit")}
        </button>
      </form>
    </section>
  );
}
