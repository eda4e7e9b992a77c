import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { AnnotationLayer } from "../session/AnnotationLayer";
import type { PeerFailure, PeerLink, PeerState, PeerStats } from "./peer-link";

const STATS_EVERY_MS = 1000;

/** Plays a stream; when the browser refuses sound without a click, plays muted and offers the click. */
function useAutoplay(stream: MediaStream | null, muted: boolean) {
  const ref = useRef<HTMLVideoElement>(null);
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    if (!stream) return;
    video.muted = muted;
    video.play().catch(() => {
      video.muted = true;
      setBlocked(!muted);
      void video.play().catch(() => undefined);
    });
  }, [stream, muted]);
  const unblock = () => {
    const video = ref.current;
    if (!video) return;
    video.muted = false;
    void video.play().then(() => setBlocked(false), () => undefined);
  };
  return { ref, blocked, unblock };
}

/** A remote person's video with name, role and connection state; getStats figures as data-* for tests. */
export function PeerVideo({ link, state, failure, stream }: { link: PeerLink; state: PeerState; failure: PeerFailure | null; stream: MediaStream | null }) {
  const { t } = useTranslation();
  const { ref, blocked, unblock } = useAutoplay(stream, false);
  const [stats, setStats] = useState<PeerStats>({ framesDecoded: 0, framesEncoded: 0, localCandidate: "", remoteCandidate: "", rttMs: null });
  useEffect(() => {
    const timer = setInterval(() => void link.stats().then(setStats, () => undefined), STATS_EVERY_MS);
    return () => clearInterval(timer);
  }, [link]);
  const { peer } = link;
  return (
    <figure
      className={`video-tile video-${state}`}
      data-testid={`video-peer-${peer.peerId}`}
      data-state={state}
      data-username={peer.user.username}
      data-frames-decoded={stats.framesDecoded}
      data-frames-encoded={stats.framesEncoded}
      data-local-candidate={stats.localCandidate}
      data-remote-candidate={stats.remoteCandidate}
    >
      <video ref={ref} autoPlay playsInline />
      <AnnotationLayer target={`video:${peer.user.username}`} />
      <figcaption>
        <span className="video-name">{peer.user.displayName}</span> <span className="muted">{t(`role.${peer.user.role}`)}</span>{" "}
        <span className={`badge video-badge-${state}`} data-testid="peer-state">
          {state === "failed" && failure ? t("media.peer.failed", { reason: t(`media.reason.${failure.reason}`, { detail: failure.detail ?? "" }) }) : t(`media.peer.${state}`)}
        </span>
        {state === "connected" && stats.rttMs !== null && <span className="muted"> {t("media.rtt", { ms: stats.rttMs })}</span>}
        {stats.localCandidate === "relay" && <span className="muted"> {t("media.viaRelay")}</span>}
      </figcaption>
      {blocked && (
        <button type="button" className="video-unmute" onClick={unblock}>
          {t("media.playSound")}
        </button>
      )}
    </figure>
  );
}

/** Our own camera, muted (no echo of ourselves). */
export function LocalVideo({ stream, cameraOn, label, username }: { stream: MediaStream | null; cameraOn: boolean; label: string; username: string }) {
  const { t } = useTranslation();
  const { ref } = useAutoplay(stream, true);
  return (
    <figure className="video-tile video-local" data-testid="video-local" data-device={stream?.getVideoTracks()[0]?.getSettings().deviceId ?? ""}>
      <video ref={ref} autoPlay playsInline muted />
      {/* The marks others draw on our camera, so the technician sees what the expert points at. */}
      <AnnotationLayer target={`video:${username}`} />
      <figcaption>
        <span className="video-name">{label}</span> {!cameraOn && <span className="muted">{t("media.cameraIsOff")}</span>}
      </figcaption>
    </figure>
  );
}
