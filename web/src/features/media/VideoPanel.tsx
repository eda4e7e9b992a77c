// Browser differences in RTCPeerConnection and getUserMedia, smoothed once for the whole page.
import "webrtc-adapter";
import type { ErrorBody, RtcConfig, UserInfo } from "@telecal/protocols";
import { useEffect, useState, useSyncExternalStore } from "react";
import { useTranslation } from "react-i18next";
import { useLiveStore } from "../../realtime/context";
import { MediaMesh, type MeshSnapshot } from "./media-mesh";
import { LocalVideo, PeerVideo } from "./PeerVideo";
import { fetchRtcConfig } from "./rtc-config";
import { useLocalMedia } from "./useLocalMedia";

const REFRESH_CHECK_MS = 60_000;
const IDLE: MeshSnapshot = { state: { kind: "joining" }, links: [] };
const noSubscribe = () => () => undefined;

/** The job's mesh for as long as the panel is mounted, on the /ui socket, once the ICE config is known. */
function useMesh(jobId: string, stream: MediaStream | null, ready: boolean): { mesh: MeshSnapshot; configError: ErrorBody | null } {
  const store = useLiveStore();
  const socket = useSyncExternalStore(store.subscribe, store.getSocket);
  const [config, setConfig] = useState<RtcConfig | null>(null);
  const [configError, setConfigError] = useState<ErrorBody | null>(null);
  const [mesh, setMesh] = useState<MediaMesh | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetchRtcConfig().then(
      (c) => !cancelled && setConfig(c),
      (err: unknown) => !cancelled && setConfigError({ code: (err as { code?: string }).code ?? "HTTP", message: String(err) }),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  // TURN credentials expire: fresh ones two thirds into their life, for new links and ICE restarts.
  const expiresAt = config?.expiresAt;
  useEffect(() => {
    if (!mesh || expiresAt === undefined) return;
    const refreshAt = (fetchedAt: number, expiry: number) => fetchedAt + ((expiry - fetchedAt) * 2) / 3;
    let due = refreshAt(Date.now(), expiresAt);
    const timer = setInterval(() => {
      if (Date.now() < due) return;
      due = Number.POSITIVE_INFINITY;
      void fetchRtcConfig().then(
        (fresh) => {
          mesh.setConfig(fresh);
          if (fresh.expiresAt !== undefined) due = refreshAt(Date.now(), fresh.expiresAt);
        },
        () => (due = Date.now() + REFRESH_CHECK_MS),
      );
    }, REFRESH_CHECK_MS);
    return () => clearInterval(timer);
  }, [mesh, expiresAt]);
  useEffect(() => {
    // Joins once the camera is open or known to be missing, so that the first offer carries it.
    if (!socket || !config || !ready) return;
    const m = new MediaMesh(socket, jobId, config);
    setMesh(m);
    return () => {
      m.close();
      setMesh(null);
    };
  }, [socket, config, jobId, ready]);
  useEffect(() => mesh?.setLocalStream(stream), [mesh, stream]);
  const snapshot = useSyncExternalStore(mesh?.subscribe ?? noSubscribe, mesh?.getSnapshot ?? (() => IDLE));
  return { mesh: snapshot, configError };
}

/** The call as a whole: live when anyone's media flows, failed when every link has failed. */
function meshState(mesh: MeshSnapshot): "alone" | "connecting" | "live" | "failed" {
  if (mesh.links.length === 0) return "alone";
  if (mesh.links.some((l) => l.state === "connected")) return "live";
  return mesh.links.every((l) => l.state === "failed") ? "failed" : "connecting";
}

/**
 * Video and audio with the other people on the job's page: our camera (with a choice of camera,
 * mute and camera off), and each other person's video with name, role and connection state.
 */
export function VideoPanel({ jobId, user, fullText }: { jobId: string; user: UserInfo; fullText?: string }) {
  const { t } = useTranslation();
  const local = useLocalMedia();
  const stream = local.state.kind === "ready" ? local.state.stream : null;
  const { mesh, configError } = useMesh(jobId, stream, local.state.kind !== "starting");
  const refused = configError ?? (mesh.state.kind === "refused" ? mesh.state.error : null);
  const state = refused ? "refused" : local.state.kind === "starting" ? "starting" : mesh.state.kind === "joined" ? meshState(mesh) : "joining";
  return (
    <section className="video-panel" aria-labelledby="video-heading" data-testid="video-panel">
      <h2 id="video-heading">
        {t("media.heading")}{" "}
        <span className="muted" data-testid="media-state" data-state={state} data-local={local.state.kind}>
          {refused ? t("media.state.refused", { code: refused.code }) : t(`media.state.${state}`)}
        </span>
      </h2>
      {/* The mesh is full (TC_ERR_RTC_FULL): the page that placed it says why in its words. */}
      {refused?.code === "TC_ERR_RTC_FULL" && fullText !== undefined && (
        <p className="warning" data-testid="media-full">
          {fullText}
        </p>
      )}
      {local.state.kind === "unavailable" && <p className="warning" data-testid="media-local-error">{t("media.noDevice", { reason: local.state.reason })}</p>}
      <div className="video-controls">
        <button type="button" data-testid="mic-toggle" aria-pressed={!local.micOn} disabled={!stream} onClick={local.toggleMic}>
          {t(local.micOn ? "media.mute" : "media.unmute")}
        </button>
        <button type="button" data-testid="camera-toggle" aria-pressed={!local.cameraOn} disabled={!stream} onClick={local.toggleCamera}>
          {t(local.cameraOn ? "media.cameraOff" : "media.cameraOn")}
        </button>
        {local.cameras.length > 0 && (
          <label>
            {t("media.camera")}{" "}
            <select data-testid="camera-select" value={local.cameraId ?? ""} onChange={(e) => local.chooseCamera(e.target.value)}>
              {local.cameras.map((c, i) => (
                <option key={c.deviceId} value={c.deviceId}>
                  {c.label || t("media.cameraN", { n: i + 1 })}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="video-grid">
        <LocalVideo stream={stream} cameraOn={local.cameraOn} label={t("media.you", { name: user.displayName })} username={user.username} />
        {mesh.links.map((link) => (
          <PeerVideo key={link.peer.peerId} link={link} state={link.state} failure={link.failure} stream={link.remoteStream} />
        ))}
      </div>
    </section>
  );
}
