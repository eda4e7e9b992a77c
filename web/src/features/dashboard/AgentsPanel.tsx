import type { AgentListEntry } from "@telecal/protocols";
import { useTranslation } from "react-i18next";

export function AgentsPanel({ agents, error }: { agents: AgentListEntry[] | undefined; error: Error | null }) {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="agents-heading">
      <h2 id="agents-heading">{t("dashboard.agents")}</h2>
      {error && <p className="error">{t("common.loadFailed", { code: error.message })}</p>}
      {agents && agents.length === 0 && <p className="muted">{t("dashboard.noAgents")}</p>}
      <ul className="plain-list">
        {(agents ?? []).map((a) => (
          <li key={a.agentId} data-testid={`agent-${a.agentId}`}>
            <span className={`badge ${a.online ? "badge-online" : "badge-offline"}`}>{t(a.online ? "agent.online" : "agent.offline")}</span> {a.name}{" "}
            <span className="muted">{t("dashboard.lastSeen", { when: new Date(a.lastSeen).toLocaleString() })}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
