import { useTranslation } from "react-i18next";
import { useAgents } from "../../realtime/hooks";
import { AgentGroup } from "./AgentGroup";

export function LivePage() {
  const { t } = useTranslation();
  const online = useAgents().filter((agent) => agent.online);

  if (online.length === 0) {
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
      {online.map((agent) => (
        <AgentGroup key={agent.agentId} agent={agent} />
      ))}
    </div>
  );
}
