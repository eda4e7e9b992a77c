import type { MediaTicket } from "@telecal/protocols";
import { type ReactNode, useEffect, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { FeedVideo } from "./FeedVideo";
import { JanusRoom, type RoomSnapshot } from "./janus-room";
import { fetchMediaTicket, leaveMediaRoom } from "./media-ticket";

const CONNECTING: RoomSnapshot = { state: { kind: "connecting" }, local: null, localPc: null, feeds: [] };
const noSubscribe = () => () => undefined;

/**
 * Our ticket and our place in the Janus room, for as long as the component is mounted: a ticket
 * per mount, given back when it unmounts (also when React mounts twice in development, or a ticket
 * arrives after the unmount).
 */
function useMediaRoom(key: string): { ticket: MediaTicket | null; refused: string | null; snapshot: RoomSnapshot } {
  const [ticket, setTicket] = useState<MediaTicket | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const [room, setRoom] = useState<JanusRoom | null>(null);
  useEffect(() => {
    let cancelled = false;
    let opened: { room: JanusRoom; feedId: number } | null = null;
    fetchMediaTicket(key).then(
      (tk) => {
        if (cancelled) return tk.mode === "sfu" && leaveMediaRoom(key, tk.feedId);
        setTicket(tk);
        if (tk.mode !== "sfu") return;
        opened = { room: new JanusRoom(tk), feedId: tk.feedId };
        setRoom(opened.room);
      },
      (err: unknown) => !cancelled && setRefused((err as { code?: string }).code ?? String(err)),
    );
    return () => {
      cancelled = true;
      if (opened) {
        opened.room.close();
        leaveMediaRoom(key, opened.feedId);
      }
      setRoom(null);
    };
  }, [key]);
  const snapshot = useSyncExternalStore(room?.subscribe ?? noSubscribe, room?.getSnapshot ?? (() => CONNECTING));
  return { ticket, refused, snapshot };
}

/**
 * A lesson's video through Janus: the trainer (or a trainee on stage) sends, everyone else
 * watches. Without Janus on the server, it says that video falls back to the mesh, and for how
 * many, and shows `meshFallback` (the caller's mesh) if given.
 */
export function MediaRoomVideo({ room, meshFallback }: { room: string; meshFallback?: ReactNode }) {
  const { t } = useTranslation();
  const { ticket, refused, snapshot } = useMediaRoom(room);
  const sfu = ticket?.mode === "sfu" ? ticket : null;
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
      {ticket?.mode === "mesh" && meshFallback}
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
