import type { RtcCandidate, RtcConfig, RtcDescription, RtcPeer } from "@telecal/protocols";

export type PeerState = "connecting" | "connected" | "disconnected" | "failed";

/** Why a peer's media failed: an i18n key under media.reason, with its parameters. */
export interface PeerFailure {
  reason: "ice" | "negotiation" | "signalling";
  detail?: string;
}

/** Figures from getStats(), refreshed every second while the page shows the peer. */
export interface PeerStats {
  framesDecoded: number;
  /** Frames of our camera encoded for this peer. */
  framesEncoded: number;
  /** host, srflx, prflx or relay: the selected candidate pair's two ends; empty before one is chosen. */
  localCandidate: string;
  remoteCandidate: string;
  /** Round-trip time of the selected pair, in ms, when the browser knows it. */
  rttMs: number | null;
}

/** How long a new link may take to connect before the page says that media cannot connect. */
export const CONNECT_TIMEOUT_MS = 20_000;

/** Waits before ICE restarts of a link that failed or stays down, one after another up to the last (a restart needs time to gather and check, more so on a busy machine). */
const RECOVER_MS = [5_000, 10_000, 20_000, 30_000];
/** A link "disconnected" this long (a flaky county uplink) gets an ICE restart rather than waiting on. */
const DISCONNECTED_MS = 5_000;
/**
 * The polite side leaves offers to the impolite side: its first offer waits this long for the
 * other's, and its ICE restarts come this much later than the other's, and only when the other side
 * has not offered meanwhile.
 * Chromium (156) stalls ICE gathering for good on a connection that rolls back its own offer while
 * that offer gathers, which is what a glare resolved by rollback does when both sides offer at once
 * (a link's two ends start together; both restart after the same timeout). So glare is avoided
 * rather than resolved; the rollback path stays for the rare glare left.
 */
const POLITE_WAIT_MS = 6_000;

function rtcConfiguration(config: RtcConfig): RTCConfiguration {
  return { iceServers: config.iceServers, iceTransportPolicy: config.iceTransportPolicy ?? "all" };
}

export type Signal = { description: RtcDescription } | { candidate: RtcCandidate };

/**
 * One RTCPeerConnection to one remote peer, with the perfect negotiation pattern (W3C WebRTC 1.0,
 * §10.7): either side may offer at any time; on a collision the polite side rolls back and answers,
 * the impolite side ignores the other's offer. Signals are handled strictly in arrival order.
 */
export class PeerLink {
  readonly pc: RTCPeerConnection;
  state: PeerState = "connecting";
  failure: PeerFailure | null = null;
  remoteStream: MediaStream | null = null;
  private makingOffer = false;
  private ignoreOffer = false;
  private settingRemoteAnswer = false;
  /** ICE restarts since the link was last connected. */
  private restarts = 0;
  private recoverTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  /** The last ICE server error (a TURN allocation refused, a STUN server unreachable), for the failure's reason. */
  private iceError: string | null = null;
  /** Local candidates of the current gathering round (an ICE restart begins a new one). */
  private gathered = 0;
  private readonly connectTimer: ReturnType<typeof setTimeout>;
  private queue: Promise<void> = Promise.resolve();
  private readonly senders = new Map<"audio" | "video", RTCRtpSender>();
  /** Candidates that came before any remote description (the relay does not promise order across events). */
  private early: RtcCandidate[] = [];
  /** When the other side's last offer came (performance.now()), or null before its first. */
  private lastRemoteOffer: number | null = null;
  private politeOfferTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    public peer: RtcPeer,
    /** The lower peer id is polite: a fixed, shared order, so exactly one side yields. */
    readonly polite: boolean,
    config: RtcConfig,
    private readonly send: (signal: Signal) => void,
    private readonly changed: () => void,
  ) {
    this.pc = new RTCPeerConnection(rtcConfiguration(config));
    this.pc.onnegotiationneeded = () => void this.offer();
    this.pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      this.gathered += 1;
      this.send({ candidate: candidate.toJSON() as RtcCandidate });
    };
    this.pc.onicegatheringstatechange = () => this.onGatheringState();
    this.pc.ontrack = ({ track, streams }) => {
      this.remoteStream = streams[0] ?? this.remoteStream ?? new MediaStream();
      if (!this.remoteStream.getTracks().includes(track)) this.remoteStream.addTrack(track);
      this.changed();
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
    this.pc.onicecandidateerror = (e) => {
      this.iceError = `${e.url} ${e.errorCode} ${e.errorText}`.trim();
    };
    // ICE can take long to give up; a person should hear sooner that media cannot connect. It still
    // goes on trying, and the state turns to connected if it does.
    this.connectTimer = setTimeout(() => {
      if (this.state !== "connecting") return;
      this.fail("ice", this.iceError ?? undefined);
      this.scheduleRecovery(0);
    }, CONNECT_TIMEOUT_MS);
  }

  /**
   * Sends our camera and microphone, or switches to another camera without renegotiating. Without
   * a track (no device, refused, not yet open) the transceiver is still there, so we still receive.
   */
  setLocalStream(stream: MediaStream | null): void {
    for (const kind of ["audio", "video"] as const) {
      const track = stream?.getTracks().find((t) => t.kind === kind) ?? null;
      const sender = this.senders.get(kind);
      if (sender) void sender.replaceTrack(track);
      else if (track && stream) this.senders.set(kind, this.pc.addTrack(track, stream));
      else this.senders.set(kind, this.pc.addTransceiver(kind, { direction: "sendrecv" }).sender);
    }
  }

  setConfig(config: RtcConfig): void {
    this.pc.setConfiguration(rtcConfiguration(config));
  }

  /** A signal from the remote peer, handled after every earlier one. */
  receive(signal: Signal): Promise<void> {
    this.queue = this.queue.then(() => this.handle(signal)).catch((err: unknown) => this.fail("negotiation", String(err)));
    return this.queue;
  }

  async stats(): Promise<PeerStats> {
    const report = await this.pc.getStats();
    let framesDecoded = 0;
    let framesEncoded = 0;
    let pairId: string | undefined;
    report.forEach((s: { type: string; kind?: string; framesDecoded?: number; framesEncoded?: number; selectedCandidatePairId?: string }) => {
      if (s.type === "inbound-rtp" && s.kind === "video") framesDecoded += s.framesDecoded ?? 0;
      if (s.type === "outbound-rtp" && s.kind === "video") framesEncoded += s.framesEncoded ?? 0;
      if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
    });
    const pair = pairId === undefined ? undefined : (report.get(pairId) as { localCandidateId?: string; remoteCandidateId?: string; currentRoundTripTime?: number } | undefined);
    const typeOf = (id: string | undefined) => (id === undefined ? "" : ((report.get(id) as { candidateType?: string } | undefined)?.candidateType ?? ""));
    return {
      framesDecoded,
      framesEncoded,
      localCandidate: typeOf(pair?.localCandidateId),
      remoteCandidate: typeOf(pair?.remoteCandidateId),
      rttMs: pair?.currentRoundTripTime === undefined ? null : Math.round(pair.currentRoundTripTime * 1000),
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.connectTimer);
    if (this.recoverTimer) clearTimeout(this.recoverTimer);
    if (this.politeOfferTimer) clearTimeout(this.politeOfferTimer);
    this.pc.onicecandidateerror = null;
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.onicegatheringstatechange = null;
    this.pc.ontrack = null;
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }

  private async offer(): Promise<void> {
    if (this.polite && this.pc.remoteDescription === null) {
      // The impolite side's offer is on its way; ours only if it does not come.
      if (!this.politeOfferTimer && !this.closed) {
        this.politeOfferTimer = setTimeout(() => {
          if (this.pc.remoteDescription === null && this.pc.signalingState === "stable" && !this.closed) void this.sendOffer();
        }, POLITE_WAIT_MS);
      }
      return;
    }
    await this.sendOffer();
  }

  private async sendOffer(): Promise<void> {
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      if (this.pc.localDescription) this.send({ description: this.pc.localDescription.toJSON() });
    } catch (err) {
      this.fail("negotiation", String(err));
    } finally {
      this.makingOffer = false;
    }
  }

  private async handle(signal: Signal): Promise<void> {
    if ("description" in signal) {
      const description = signal.description;
      const readyForOffer = !this.makingOffer && (this.pc.signalingState === "stable" || this.settingRemoteAnswer);
      const collision = description.type === "offer" && !readyForOffer;
      this.ignoreOffer = !this.polite && collision;
      if (this.ignoreOffer) return;
      // The answer to an offer we rolled back to restart: nothing waits for it any more.
      if (description.type === "answer" && this.pc.signalingState === "stable") return;
      this.settingRemoteAnswer = description.type === "answer";
      await this.pc.setRemoteDescription(description);
      this.settingRemoteAnswer = false;
      // Early candidates of a description since replaced no longer apply: only the others matter.
      for (const candidate of this.early.splice(0)) await this.pc.addIceCandidate(candidate).catch(() => undefined);
      if (description.type === "offer") {
        this.lastRemoteOffer = performance.now();
        await this.pc.setLocalDescription();
        if (this.pc.localDescription) this.send({ description: this.pc.localDescription.toJSON() });
      }
    } else if (this.pc.remoteDescription === null) {
      this.early.push(signal.candidate);
    } else {
      try {
        await this.pc.addIceCandidate(signal.candidate);
      } catch (err) {
        // A candidate of an offer we ignored cannot apply; any other is a real fault.
        if (!this.ignoreOffer) throw err;
      }
    }
  }

  /**
   * A round that gathered no candidate at all (every TURN allocation refused under a relay-only
   * policy) leaves ICE nothing to try: the person hears it now, with the reason, not at the timeout.
   */
  private onGatheringState(): void {
    const s = this.pc.iceGatheringState;
    if (s === "gathering") this.gathered = 0;
    else if (s === "complete" && this.gathered === 0 && this.state === "connecting") {
      this.fail("ice", this.iceError ?? undefined);
      this.scheduleRecovery(RECOVER_MS[Math.min(this.restarts, RECOVER_MS.length - 1)]!);
    }
  }

  private onConnectionState(): void {
    const s = this.pc.connectionState;
    if (s === "connected") {
      this.state = "connected";
      this.failure = null;
      this.restarts = 0;
      if (this.recoverTimer) clearTimeout(this.recoverTimer);
      this.recoverTimer = null;
    } else if (s === "failed") {
      this.fail("ice", this.iceError ?? undefined);
      this.scheduleRecovery(RECOVER_MS[Math.min(this.restarts, RECOVER_MS.length - 1)]!);
      return;
    } else if (s === "disconnected") {
      this.state = "disconnected";
      this.scheduleRecovery(DISCONNECTED_MS);
    } else if (s === "new" || s === "connecting") {
      if (this.state !== "failed") this.state = "connecting";
    }
    this.changed();
  }

  /**
   * Tries again after `ms` unless the link is connected by then: an ICE restart (new candidates, a
   * network that changed, fresh TURN credentials), and first a rollback of an offer that had no
   * answer (lost on a link that dropped), so that the restart's offer can go out. It keeps trying,
   * further and further apart, while the page is open: the person sees the failure meanwhile.
   */
  private scheduleRecovery(ms: number): void {
    if (this.recoverTimer || this.closed) return;
    const scheduledAt = performance.now();
    // The impolite side restarts; the polite one later, and only if the other side has not offered meanwhile.
    this.recoverTimer = setTimeout(() => {
      this.recoverTimer = null;
      if (this.closed || this.pc.connectionState === "connected") return;
      if (this.polite && this.lastRemoteOffer !== null && this.lastRemoteOffer > scheduledAt) {
        this.scheduleRecovery(RECOVER_MS[Math.min(this.restarts, RECOVER_MS.length - 1)]!);
        return;
      }
      this.restarts += 1;
      this.queue = this.queue
        .then(async () => {
          if (this.pc.signalingState === "have-local-offer") await this.pc.setLocalDescription({ type: "rollback" });
          this.pc.restartIce();
        })
        .catch((err: unknown) => this.fail("negotiation", String(err)));
      // If this restart does not connect either, the next one comes later.
      this.scheduleRecovery(RECOVER_MS[Math.min(this.restarts, RECOVER_MS.length - 1)]!);
    }, this.polite ? ms + POLITE_WAIT_MS : ms);
  }

  fail(reason: PeerFailure["reason"], detail?: string): void {
    this.state = "failed";
    this.failure = detail === undefined ? { reason } : { reason, detail };
    this.changed();
  }
}
