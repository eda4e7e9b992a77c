import type { Job } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { useAgents } from "../../realtime/hooks";
import { InstrumentCard } from "../live/InstrumentCard";

/** The live readings of the job's instruments on its agent's bench. */
export function JobBench({ job }: { job: Job }) {
  const { t } = useTranslation();
  const agent = useAgents().find((a) => a.agentId === job.agentId);
  const onBench = new Set(Object.values(job.binding).flatMap((b) => (b.agentInstrumentId === null ? [] : [b.agentInstrumentId])));
  return (
    <section className="job-bench" aria-labelledby="bench-heading">
      <h2 id="bench-heading">
        {t("job.bench")}{" "}
        <span className={`badge ${agent?.online ? "badge-online" : "badge-offline"}`} data-testid="job-agent-state">
          {t(agent?.online ? "agent.online" : "agent.offline")}
        </span>
      </h2>
      <div className="cards">
        {(agent?.instruments ?? []).filter((i) => onBench.has(i.id)).map((instrument) => (
          <InstrumentCard key={instrument.id} agentId={job.agentId} instrument={instrument} />
        ))}
      </div>
    </section>
  );
}
