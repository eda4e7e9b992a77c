import type { ErrorBody, Reply, RtcConfig, RtcJoined, RtcPeer, RtcSignalFrom } from "@telecal/protocols";
import type { UiSocket } from "../../realtime/live-store";
import { PeerLink, type Signal } from "./peer-link";

/** joining: rtc-join sent; joined: in the job's mesh; refused: the server said no (code). */
export type MeshState = { kind: "joining" } | { kind: "joined"; peerId: string } | { kind: "refused"; error: ErrorBody };

export interface MeshSnapshot {
  state: MeshState;
  links: readonly PeerLink[];
}

const JOIN_TIMEOUT_MS = 10_000;

/**
 * This tab's place in a job's video mesh: joins over the /ui socket (again after every reconnect,
 * with a new peer id), keeps one PeerLink per other tab, and relays their signals. Lives outside
 * React; the panel reads `getSnapshot` through useSyncExternalStore.
 */
export class MediaMesh {
  private readonly links = new Map<string, PeerLink>();
  private local: MediaStream | null = null;
  private snapshot: MeshSnapshot = { state: { kind: "joining" }, links: [] };
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly socket: UiSocket,
    private readonly jobId: string,
    private config: RtcConfig,
  ) {
    socket.on("connect", this.join);
    socket.on("disconnect", this.dropAll);
    socket.on("rtc-peer-joined", this.onPeerJoined);
    socket.on("rtc-peer-left", this.onPeerLeft);
    socket.on("rtc-signal", this.onSignal);
    if (socket.connected) this.join();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): MeshSnapshot => this.snapshot;

  /** Our camera and microphone for every link, now and for those to come. */
  setLocalStream(stream: MediaStream | null): void {
    this.local = stream;
    for (const link of this.links.values()) link.setLocalStream(stream);
  }

  /** Fresh TURN credentials: for the links to come, and for the next ICE restart of those there. */
  setConfig(config: RtcConfig): void {
    this.config = config;
    for (const link of this.links.values()) link.setConfig(config);
  }

  close(): void {
    this.closed = true;
    this.socket.off("connect", this.join);
    this.socket.off("disconnect", this.dropAll);
    this.socket.off("rtc-peer-joined", this.onPeerJoined);
    this.socket.off("rtc-peer-left", this.onPeerLeft);
    this.socket.off("rtc-signal", this.onSignal);
    if (this.socket.connected) this.socket.emit("rtc-leave");
    this.dropAll();
  }

  private readonly join = (): void => {
    this.dropAll();
    this.update({ kind: "joining" });
    this.socket.timeout(JOIN_TIMEOUT_MS).emit("rtc-join", { jobId: this.jobId }, (err: Error | null, reply: Reply<RtcJoined>) => {
      if (this.closed) return;
      if (err) return this.update({ kind: "refused", error: { code: "TIMEOUT", message: `no answer to rtc-join within ${JOIN_TIMEOUT_MS} ms` } });
      if (!reply.ok) return this.update({ kind: "refused", error: reply.error });
      for (const peer of reply.peers) this.linkTo(peer, reply.peerId);
      this.update({ kind: "joined", peerId: reply.peerId });
    });
  };

  private readonly dropAll = (): void => {
    for (const link of this.links.values()) link.close();
    this.links.clear();
    this.update();
  };

  private readonly onPeerJoined = ({ jobId, peer }: { jobId: string; peer: RtcPeer }): void => {
    const self = this.selfId();
    if (jobId === this.jobId && self !== null) this.linkTo(peer, self);
  };

  private readonly onPeerLeft = ({ jobId, peerId }: { jobId: string; peerId: string }): void => {
    if (jobId !== this.jobId) return;
    this.links.get(peerId)?.close();
    this.links.delete(peerId);
    this.update();
  };

  private readonly onSignal = (msg: RtcSignalFrom): void => {
    const self = this.selfId();
    if (msg.jobId !== this.jobId || self === null) return;
    // A signal can only come from a peer of this mesh; its rtc-peer-joined came first, on the same socket.
    const link = this.links.get(msg.from);
    if (!link) return;
    const signal: Signal = msg.description ? { description: msg.description } : { candidate: msg.candidate! };
    void link.receive(signal);
  };

  private linkTo(peer: RtcPeer, self: string): void {
    if (this.links.has(peer.peerId)) return;
    const send = (signal: Signal) => {
      this.socket.emit("rtc-signal", { jobId: this.jobId, to: peer.peerId, ...signal }, (reply?: Reply<object>) => {
        if (reply && !reply.ok && reply.error.code !== "TC_ERR_RTC_PEER_GONE") link.fail("signalling", reply.error.code);
      });
    };
    const link = new PeerLink(peer, self < peer.peerId, this.config, send, () => this.update());
    this.links.set(peer.peerId, link);
    link.setLocalStream(this.local);
    this.update();
  }

  /** Our peer id is our /ui socket's id: known from connect on, before rtc-join is answered. */
  private selfId(): string | null {
    return this.socket.id ?? null;
  }

  private update(state: MeshState = this.snapshot.state): void {
    this.snapshot = { state, links: [...this.links.values()] };
    for (const l of this.listeners) l();
  }
}
