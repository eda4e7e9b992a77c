import { useEffect, useRef, useState } from "react";

const STATS_EVERY_MS = 1000;

interface VideoStats {
  frames: number;
  /** Received packets lost (inbound only). */
  lost: number;
}

/** Frames decoded (received) or encoded (sent) on a connection's video, from getStats(). */
async function videoStats(pc: RTCPeerConnection, kind: "inbound-rtp" | "outbound-rtp"): Promise<VideoStats> {
  const total = { frames: 0, lost: 0 };
  (await pc.getStats()).forEach((s: { type: string; kind?: string; framesDecoded?: number; framesEncoded?: number; packetsLost?: number }) => {
    if (s.type !== kind || s.kind !== "video") return;
    total.frames += (kind === "inbound-rtp" ? s.framesDecoded : s.framesEncoded) ?? 0;
    total.lost += s.packetsLost ?? 0;
  });
  return total;
}

/**
 * One video of the room (a sender's, or our own camera) with its name; the frames that went
 * through its connection as data-frames, for tests and for the person to see it moves.
 */
export function FeedVideo({ stream, pc, label, testId, own }: { stream: MediaStream; pc: RTCPeerConnection | null; label: string; testId: string; own: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [stats, setStats] = useState<VideoStats>({ frames: 0, lost: 0 });
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream;
    // Our own sound would echo; a browser that refuses sound without a click still plays muted.
    video.muted = own;
    void video.play().catch(() => {
      video.muted = true;
      void video.play().catch(() => undefined);
    });
  }, [stream, own]);
  useEffect(() => {
    if (!pc) return;
    const timer = setInterval(() => void videoStats(pc, own ? "outbound-rtp" : "inbound-rtp").then(setStats, () => undefined), STATS_EVERY_MS);
    return () => clearInterval(timer);
  }, [pc, own]);
  return (
    <figure className="video-tile" data-testid={testId} data-frames={stats.frames} data-lost={stats.lost}>
      <video ref={ref} autoPlay playsInline muted={own} />
      <figcaption>
        <span className="video-name">{label}</span>
      </figcaption>
    </figure>
  );
}
