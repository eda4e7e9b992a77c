import { useTranslation } from "react-i18next";
import { useSessionSnapshot } from "./context";

/** Who is in the session: name, role, whether their link is up, and how well it carries. */
export function ParticipantsPanel() {
  const { t } = useTranslation();
  const { state } = useSessionSnapshot();
  if (!state) return null;
  return (
    <section className="panel session-people" aria-labelledby="people-heading" data-testid="participants">
      <h2 id="people-heading">{t("session.people", { n: state.participants.filter((p) => p.connected).length })}</h2>
      <ul className="people-list">
        {state.participants.map((p) => (
          <li key={p.userId} data-testid={`participant-${p.username}`} data-connected={p.connected} data-quality={p.quality ?? "unknown"}>
            <span className="video-name">{p.displayName}</span>
            {p.userId === state.you.userId && <span className="muted"> {t("session.you")}</span>} <span className="muted">{t(`role.${p.role}`)}</span>{" "}
            {p.connected ? (
              <span className={`badge quality-${p.quality ?? "unknown"}`} title={t("session.qualityHint")}>
                {t(`session.quality.${p.quality ?? "unknown"}`)}
              </span>
            ) : (
              <span className="badge badge-offline">{t("session.dropped")}</span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
