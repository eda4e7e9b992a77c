import type { SessionEvent, SessionRecord } from "@telecal/protocols";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useSessionSnapshot } from "./context";

const time = (at: number) => new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });

/** One recorded event in words: who did what, with the code of a refusal. */
function describe(t: TFunction, e: SessionEvent, instrumentName: (id: string) => string): string {
  const who = e.user.displayName;
  switch (e.event) {
    case "joined":
      return t("timeline.joined", { who });
    case "left":
      return t(e.dropped ? "timeline.dropped" : "timeline.left", { who });
    case "chat":
      return t("timeline.chat", { who, text: e.text });
    case "lease-requested":
      return t("timeline.leaseRequested", { who, instrument: instrumentName(e.instrumentId) });
    case "lease-granted":
      return t("timeline.leaseGranted", { who, to: e.to.displayName, instrument: instrumentName(e.instrumentId), epoch: e.epoch });
    case "lease-revoked":
      return t("timeline.leaseRevoked", { who, from: e.from?.displayName ?? "—", instrument: instrumentName(e.instrumentId), epoch: e.epoch });
    case "lease-released":
      return t("timeline.leaseReleased", { who, instrument: instrumentName(e.instrumentId) });
    case "command":
      return t("timeline.command", {
        who,
        instrument: instrumentName(e.instrumentId),
        command: e.command.kind === "set" ? `${e.command.value} ${e.command.unit}` : e.command.on ? "OPER" : "STBY",
      });
    case "command-result":
      return e.outcome.ok ? t("timeline.commandDone", { instrument: instrumentName(e.instrumentId) }) : t("timeline.commandFailed", { instrument: instrumentName(e.instrumentId), code: e.outcome.error.code });
    case "annotated":
      return t("timeline.annotated", { who });
    case "annotations-cleared":
      return t("timeline.cleared", { who });
    case "refused":
      return t("timeline.refused", { who, what: e.what, code: e.error.code });
  }
}

/** The session's events, newest first: the record log's own entries, refusals included. */
export function TimelinePanel({ instrumentName }: { instrumentName: (id: string) => string }) {
  const { t } = useTranslation();
  const { state } = useSessionSnapshot();
  if (!state) return null;
  const events: SessionRecord[] = [...state.events].reverse();
  return (
    <section className="panel session-timeline" aria-labelledby="timeline-heading" data-testid="timeline">
      <h2 id="timeline-heading">{t("timeline.heading")}</h2>
      <ol className="timeline-list">
        {events.map((r) => (
          <li key={r.id} data-testid="timeline-event" data-event={r.payload.event} className={r.payload.event === "refused" ? "error" : ""}>
            <span className="muted">{time(r.at)}</span> {describe(t, r.payload, instrumentName)}
          </li>
        ))}
      </ol>
    </section>
  );
}
