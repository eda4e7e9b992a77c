import { useTranslation } from "react-i18next";
import { useAgents } from "../../realtime/hooks";
import { AgentGroup } from "./AgentGroup";

export function LivePage() {
  const { t } = useTranslation();
  // Offline labs stay on the page, after the online ones, with their last values: a link that
  // drops for a minute should not make a bench vanish from the expert's screen.
  const agents = [...useAgents()].sort((a, b) => Number(b.online) - Number(a.online));

  if (agents.length === 0) {
    return (
      <div className="empty" data-testid="live-empty">
        <div className="empty-pulse" aria-hidden="true" />
        <p className="empty-title">{t("live.empty")}</p>
        <p className="muted">{t("live.emptyHint")}</p>
      </div>
    );
  }
  return (
    <div className="live">
      <h1 className="visually-hidden">{t("live.heading")}</h1>
      {agents.map((agent) => (
        <AgentGroup key={agent.agentId} agent={agent} />
      ))}
    </div>
  );
}
