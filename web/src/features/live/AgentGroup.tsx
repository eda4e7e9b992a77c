import { type AgentSummary, CLOCK_INSTRUMENT_ID } from "@telecal/protocols";
import { useTranslation } from "react-i18next";
import { InstrumentCard } from "./InstrumentCard";

function milliseconds(ms: number, signed = false): string {
  return `${signed && ms >= 0 ? "+" : ""}${ms.toFixed(1)} ms`;
}

export function AgentGroup({ agent }: { agent: AgentSummary }) {
  const { t } = useTranslation();
  return (
    <section className="agent" data-agent={agent.agentId} aria-labelledby={`agent-${agent.agentId}`}>
      <header className="agent-header">
        <h2 id={`agent-${agent.agentId}`} className="agent-name">
          {agent.name}
        </h2>
        <span className={`badge ${agent.online ? "badge-online" : "badge-offline"}`}>
          {t(agent.online ? "agent.online" : "agent.offline")}
        </span>
        {agent.clock !== null && (
          <span className="agent-clock">
            {t("agent.clock", {
              offset: milliseconds(agent.clock.offsetMs, true),
              uncertainty: milliseconds(agent.clock.uncertaintyMs),
            })}
          </span>
        )}
      </header>
      <div className="cards">
        {/* The agent's clock stream is shown in the header above, not as an instrument of the bench. */}
        {agent.instruments.filter((i) => i.id !== CLOCK_INSTRUMENT_ID).map((instrument) => (
          <InstrumentCard key={instrument.id} agentId={agent.agentId} instrument={instrument} />
        ))}
      </div>
    </section>
  );
}
