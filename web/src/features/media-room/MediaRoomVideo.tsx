import type { MediaTicket, MediaTicketSfu } from "@telecal/protocols";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { FeedVideo } from "./FeedVideo";
import { JanusRoom, type RoomSnapshot } from "./janus-room";
import { fetchMediaTicket } from "./media-ticket";

const CONNECTING: RoomSnapshot = { state: { kind: "connecting" }, local: null, localPc: null, feeds: [] };
const noSubscribe = () => () => undefined;

function useJanusRoom(ticket: MediaTicketSfu | null): RoomSnapshot {
  const [room, setRoom] = useState<JanusRoom | null>(null);
  useEffect(() => {
    if (!ticket) return;
    const r = new JanusRoom(ticket);
    setRoom(r);
    return () => {
      r.close();
      setRoom(null);
    };
  }, [ticket]);
  return useSyncExternalStore(room?.subscribe ?? noSubscribe, room?.getSnapshot ?? (() => CONNECTING));
}

/**
 * A lesson's video through Janus: the trainer (or a trainee on stage) sends, everyone else
 * watches. Without Janus on the server, it says that video falls back to the mesh, and for how many.
 */
export function MediaRoomVideo({ room }: { room: string }) {
  const { t } = useTranslation();
  const [ticket, setTicket] = useState<MediaTicket | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetchMediaTicket(room).then(
      (tk) => !cancelled && setTicket(tk),
      (err: unknown) => !cancelled && setRefused((err as { code?: string }).code ?? String(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [room]);
  const sfu = ticket?.mode === "sfu" ? ticket : null;
  const snapshot = useJanusRoom(sfu);
  const state = refused ? "refused" : !ticket ? "connecting" : ticket.mode === "mesh" ? "mesh" : snapshot.state.kind;
  const detail = refused ?? (snapshot.state.kind === "refused" || snapshot.state.kind === "failed" ? snapshot.state.reason : "");
  return (
    <section className="video-panel" aria-labelledby="media-room-heading" data-testid="media-room" data-state={state} data-role={sfu?.role ?? ""}>
      <h2 id="media-room-heading">
        {t("mediaRoom.heading")}{" "}
        <span className="muted" data-testid="media-room-state">
          {t(`mediaRoom.state.${state}`, { detail })}
        </span>
      </h2>
      {ticket?.mode === "mesh" && (
        <p className="warning" data-testid="media-room-mesh">
          {t("mediaRoom.meshFallback", { max: ticket.maxPeople })}
        </p>
      )}
      <div className="video-grid">
        {snapshot.local && <FeedVideo stream={snapshot.local} pc={snapshot.localPc} label={t("mediaRoom.you")} testId="media-room-local" own />}
        {snapshot.feeds.map((f) => (
          <FeedVideo key={f.feedId} stream={f.stream} pc={f.pc} label={f.display} testId="media-room-feed" own={false} />
        ))}
      </div>
      {state === "joined" && sfu?.role === "subscriber" && snapshot.feeds.length === 0 && <p className="muted">{t("mediaRoom.waiting")}</p>}
    </section>
  );
}
