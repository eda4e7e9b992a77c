import type { AgentListEntry, Instrument, ProcedureSummary, UserInfo } from "@telecal/protocols";
import { type FormEvent, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useTextLang } from "../../i18n/useTextLang";
import { ApiError } from "../../api/client";
import { api } from "../../api/platform";
import { hrefOf } from "../../shell/route";

type Equipment = ProcedureSummary["equipment"][number];

/** Which registry instruments may play a procedure's equipment: the bench's own for what runs there. */
function candidates(e: Equipment, instruments: Instrument[], agentId: string): Instrument[] {
  const side = e.role === "uut" ? "uut" : "reference";
  return instruments.filter((i) => i.role === side && (e.drivers.length === 0 || i.agentId === agentId));
}

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
  const needed = (procedure?.equipment ?? []).filter((e) => e.drivers.length > 0 || e.traceable);
  // A choice that no longer fits (another procedure or agent) falls back to the first that does.
  const chosen = Object.fromEntries(
    needed.map((e) => {
      const list = candidates(e, instruments, agentId);
      const pick = list.find((i) => i.id === binding[e.id]) ?? list[0];
      return [e.id, pick?.id ?? ""];
    }),
  );

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
        {needed.map((e) => (
          <label key={e.id}>
            {e.name[lang]}
            <select value={chosen[e.id]} onChange={(ev) => setBinding({ ...binding, [e.id]: ev.target.value })} data-testid={`new-job-equipment-${e.id}`}>
              {candidates(e, instruments, agentId).map((i) => (
                <option key={i.id} value={i.id}>
                  {i.maker} {i.model} {i.serial} {i.agentInstrumentId ? `[${i.agentInstrumentId}]` : ""}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          {t("newJob.technician")}
          <input value={technician} onChange={(e) => setTechnician(e.target.value)} required data-testid="new-job-technician" />
        </label>
        <label>
          {t("newJob.expert")}
          <input value={expert} onChange={(e) => setExpert(e.target.value)} required data-testid="new-job-expert" />
        </label>
        {error && <p className="error" role="alert" data-testid="new-job-error">{error}</p>}
        <button type="submit" disabled={busy || !procedure} data-testid="new-job-submit">
          {t("newJob.submit")}
        </button>
      </form>
    </section>
  );
}
