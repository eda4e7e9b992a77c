import type { MediaTicketSfu } from "@telecal/protocols";
import Janus, { type JanusJS } from "janus-gateway";
import adapter from "webrtc-adapter";

/** The room as the page shows it: our state in it, and each sender's media. */
export type RoomState =
  | { kind: "connecting" }
  | { kind: "joined" }
  /** Janus refused us (433: not in the allowed list), or could not be reached. */
  | { kind: "refused"; code: number; reason: string }
  | { kind: "failed"; reason: string };

export interface RoomFeed {
  feedId: number;
  display: string;
  stream: MediaStream;
  /** The subscription's own connection, for getStats. */
  pc: RTCPeerConnection | null;
}

export interface RoomSnapshot {
  state: RoomState;
  /** Our camera, while we send (trainer, or a trainee on stage). */
  local: MediaStream | null;
  /** Our sending connection, for getStats. */
  localPc: RTCPeerConnection | null;
  feeds: RoomFeed[];
}

interface Publisher {
  id: number;
  display?: string;
}

let initialised: Promise<void> | null = null;

/** janus.js once per page, with the webrtc-adapter the rest of the app uses (no global `adapter` in a bundle). */
function initJanus(): Promise<void> {
  initialised ??= new Promise((resolve) => Janus.init({ debug: ["warn", "error"] as JanusJS.DebugLevel[], dependencies: Janus.useDefaultDependencies({ adapter }), callback: () => resolve() }));
  return initialised;
}

const PLUGIN = "janus.plugin.videoroom";

/**
 * One person in a lesson's Janus VideoRoom with their ticket: joins as a participant with the
 * ticket's token and id (Janus checks the token; subscriptions need the private id it gives back),
 * sends the camera when the ticket says publisher, and subscribes to every other sender.
 */
export class JanusRoom {
  private snapshot: RoomSnapshot = { state: { kind: "connecting" }, local: null, localPc: null, feeds: [] };
  private readonly listeners = new Set<() => void>();
  private janus: Janus | null = null;
  private handle: JanusJS.PluginHandle | null = null;
  private privateId = 0;
  private readonly subscriptions = new Map<number, JanusJS.PluginHandle>();
  private closed = false;

  constructor(private readonly ticket: MediaTicketSfu) {
    void initJanus().then(() => !this.closed && this.connect());
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RoomSnapshot => this.snapshot;

  close(): void {
    this.closed = true;
    this.janus?.destroy({ cleanupHandles: true });
    this.janus = null;
  }

  private set(next: Partial<RoomSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...next };
    for (const l of this.listeners) l();
  }

  private connect(): void {
    const { rtc } = this.ticket;
    this.janus = new Janus({
      server: this.ticket.janusUrl,
      iceServers: rtc.iceServers,
      ...(rtc.iceTransportPolicy ? { iceTransportPolicy: rtc.iceTransportPolicy } : {}),
      success: () => this.attachParticipant(),
      error: (err: unknown) => this.set({ state: { kind: "failed", reason: String(err) } }),
    });
  }

  private attachParticipant(): void {
    this.janus?.attach({
      plugin: PLUGIN,
      success: (handle) => {
        this.handle = handle;
        const { room, token, feedId, display } = this.ticket;
        // Everyone joins as a participant: that is where Janus checks the token.
        handle.send({ message: { request: "join", ptype: "publisher", room, id: feedId, token, display } });
      },
      error: (err) => this.set({ state: { kind: "failed", reason: err } }),
      onmessage: (msg, jsep) => this.onParticipantMessage(msg, jsep),
      onlocaltrack: (track, on) => this.onLocalTrack(track, on),
    });
  }

  private onParticipantMessage(msg: JanusJS.Message, jsep?: JanusJS.JSEP): void {
    if (jsep) this.handle?.handleRemoteJsep({ jsep });
    if (msg["error_code"] !== undefined) {
      const code = Number(msg["error_code"]);
      this.set({ state: code === 433 ? { kind: "refused", code, reason: String(msg["error"]) } : { kind: "failed", reason: `${code} ${String(msg["error"])}` } });
      return;
    }
    const event = msg["videoroom"] as string | undefined;
    if (event === "joined") {
      this.privateId = Number(msg["private_id"]);
      this.set({ state: { kind: "joined" } });
      if (this.ticket.role === "publisher") this.publish();
    }
    if (event === "event" && msg["leaving"] === "ok" && msg["reason"] === "kicked") {
      this.set({ state: { kind: "refused", code: 433, reason: "kicked" }, feeds: [] });
      return;
    }
    for (const p of (msg["publishers"] as Publisher[] | undefined) ?? []) if (p.id !== this.ticket.feedId) this.subscribeTo(p);
    const gone = Number(msg["unpublished"] ?? msg["leaving"]);
    if (Number.isFinite(gone) && gone > 0) this.dropFeed(gone);
  }

  private publish(): void {
    this.handle?.createOffer({
      tracks: [
        { type: "audio", capture: true, recv: false },
        { type: "video", capture: { width: { ideal: 1280 }, height: { ideal: 720 } }, recv: false },
      ],
      success: (jsep) => this.handle?.send({ message: { request: "publish", audio: true, video: true }, jsep }),
      error: (err) => this.set({ state: { kind: "failed", reason: `camera or offer: ${String(err)}` } }),
    });
  }

  private onLocalTrack(track: MediaStreamTrack, on: boolean): void {
    const tracks = (this.snapshot.local?.getTracks() ?? []).filter((t) => t.id !== track.id);
    if (on) tracks.push(track);
    this.set({ local: tracks.length > 0 ? new MediaStream(tracks) : null, localPc: this.handle?.webrtcStuff.pc ?? null });
  }

  private subscribeTo(publisher: Publisher): void {
    if (this.subscriptions.has(publisher.id) || !this.janus) return;
    const stream = new MediaStream();
    this.janus.attach({
      plugin: PLUGIN,
      success: (handle) => {
        this.subscriptions.set(publisher.id, handle);
        // The private id ties the subscription to our participant: Janus refuses one without it.
        handle.send({ message: { request: "join", ptype: "subscriber", room: this.ticket.room, streams: [{ feed: publisher.id }], private_id: this.privateId } });
      },
      error: (err) => this.set({ state: { kind: "failed", reason: err } }),
      onmessage: (msg, jsep) => {
        const handle = this.subscriptions.get(publisher.id);
        if (msg["error_code"] !== undefined) {
          this.set({ state: { kind: "refused", code: Number(msg["error_code"]), reason: String(msg["error"]) } });
          return;
        }
        if (jsep && handle) {
          handle.createAnswer({
            jsep,
            tracks: [{ type: "data", capture: false }],
            success: (answer) => handle.send({ message: { request: "start", room: this.ticket.room }, jsep: answer }),
            error: (err) => this.set({ state: { kind: "failed", reason: `answer: ${err}` } }),
          });
        }
      },
      onremotetrack: (track, _mid, on) => {
        for (const t of stream.getTracks()) if (t.id === track.id || (on && t.kind === track.kind)) stream.removeTrack(t);
        if (on) stream.addTrack(track);
        const feed: RoomFeed = { feedId: publisher.id, display: publisher.display ?? "", stream: new MediaStream(stream.getTracks()), pc: this.subscriptions.get(publisher.id)?.webrtcStuff.pc ?? null };
        this.set({ feeds: [...this.snapshot.feeds.filter((f) => f.feedId !== publisher.id), feed] });
      },
    });
  }

  private dropFeed(feedId: number): void {
    this.subscriptions.get(feedId)?.detach({});
    this.subscriptions.delete(feedId);
    this.set({ feeds: this.snapshot.feeds.filter((f) => f.feedId !== feedId) });
  }
}
