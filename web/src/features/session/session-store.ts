import {
  type Annotation,
  type AnnotationShape,
  type AnnotationTarget,
  ANNOTATIONS_PER_TARGET,
  type ErrorBody,
  type InstrumentCommand,
  type Lease,
  type Reply,
  type SessionRecord,
  type SessionState,
} from "@telecal/protocols";
import type { UiSocket } from "../../realtime/live-store";

/** joining: session:join sent; joined: the state is the server's; refused: the server said no. */
export type SessionSnapshot =
  | { kind: "joining"; state: SessionState | null }
  | { kind: "joined"; state: SessionState }
  | { kind: "refused"; error: ErrorBody; state: SessionState | null };

const ASK_TIMEOUT_MS = 10_000;
/** How often the page measures its round trip to the server (and so its connection quality). */
const QUALITY_EVERY_MS = 5_000;
/** Events kept for the timeline: the join's latest 100, and those that come after. */
const TIMELINE_MAX = 300;

/** Refusals that mean the page's view of the leases is behind the server's. */
const STALE_VIEW = new Set(["TC_ERR_LEASE_STALE_EPOCH", "TC_ERR_LEASE_REQUIRED"]);

const timeoutError = (event: string): ErrorBody => ({ code: "TIMEOUT", message: `no answer to ${event} within ${ASK_TIMEOUT_MS} ms` });

/**
 * This tab's place in a job's live session: joins over the /ui socket (again after every
 * reconnect: the answer is the whole state, so nothing missed while away is lost), folds the room's
 * pushes into that state, and sends the person's requests. Lives outside React, as MediaMesh does;
 * components read `getSnapshot` through useSyncExternalStore.
 */
export class SessionStore {
  private snapshot: SessionSnapshot = { kind: "joining", state: null };
  private readonly listeners = new Set<() => void>();
  private readonly runListeners = new Set<() => void>();
  private qualityTimer: ReturnType<typeof setInterval> | null = null;
  private lastRttMs: number | null = null;
  private closed = false;

  constructor(
    private readonly socket: UiSocket,
    readonly jobId: string,
  ) {
    socket.on("connect", this.join);
    socket.on("session:presence", this.onPresence);
    socket.on("session:chat", this.onChat);
    socket.on("session:lease", this.onLease);
    socket.on("session:event", this.onEvent);
    socket.on("session:annotation", this.onAnnotation);
    socket.on("session:annotations-cleared", this.onCleared);
    socket.on("session:run", this.onRun);
    if (socket.connected) this.join();
    this.qualityTimer = setInterval(this.measure, QUALITY_EVERY_MS);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): SessionSnapshot => this.snapshot;

  /** Called when the server says the job changed (a step, a hold, an approval). */
  onRunChanged(listener: () => void): () => void {
    this.runListeners.add(listener);
    return () => this.runListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.qualityTimer) clearInterval(this.qualityTimer);
    this.socket.off("connect", this.join);
    this.socket.off("session:presence", this.onPresence);
    this.socket.off("session:chat", this.onChat);
    this.socket.off("session:lease", this.onLease);
    this.socket.off("session:event", this.onEvent);
    this.socket.off("session:annotation", this.onAnnotation);
    this.socket.off("session:annotations-cleared", this.onCleared);
    this.socket.off("session:run", this.onRun);
    if (this.socket.connected) this.socket.emit("session:leave", { jobId: this.jobId }, () => undefined);
  }

  chat(text: string): Promise<Reply<object>> {
    return this.ask("session:chat", { jobId: this.jobId, text });
  }

  requestLease(instrumentId: string): Promise<Reply<object>> {
    return this.ask("session:lease-request", { jobId: this.jobId, instrumentId });
  }

  grantLease(instrumentId: string, to: string): Promise<Reply<object>> {
    return this.ask("session:lease-grant", { jobId: this.jobId, instrumentId, to });
  }

  revokeLease(instrumentId: string): Promise<Reply<object>> {
    return this.ask("session:lease-revoke", { jobId: this.jobId, instrumentId });
  }

  releaseLease(instrumentId: string): Promise<Reply<object>> {
    return this.ask("session:lease-release", { jobId: this.jobId, instrumentId });
  }

  /** A command under the lease's epoch as this page knows it: a revoke since then makes it stale. */
  async command(instrumentId: string, epoch: number, command: InstrumentCommand): Promise<Reply<object>> {
    const reply = await this.ask("session:command", { jobId: this.jobId, instrumentId, epoch, command });
    // Refused for a lease this page thought it held: a push was missed (a slow link); fetch the state again.
    if (!reply.ok && STALE_VIEW.has(reply.error.code)) this.join();
    return reply;
  }

  annotate(target: AnnotationTarget, shape: AnnotationShape): Promise<Reply<object>> {
    return this.ask("session:annotate", { jobId: this.jobId, target, shape });
  }

  clearAnnotations(target: AnnotationTarget): Promise<Reply<object>> {
    return this.ask("session:annotations-clear", { jobId: this.jobId, target });
  }

  /** Emits a client event with a timeout; the answer, or a refusal, never an exception. */
  private ask(event: string, body: object): Promise<Reply<object>> {
    // The events differ only in payload and answer; the server checks both, the caller reads `ok`.
    const timed = this.socket.timeout(ASK_TIMEOUT_MS) as unknown as { emit(e: string, b: object, ack: (err: Error | null, reply: Reply<object>) => void): void };
    return new Promise((resolve) => timed.emit(event, body, (err, reply) => resolve(err ? { ok: false, error: timeoutError(event) } : reply)));
  }

  private readonly join = (): void => {
    this.update({ kind: "joining", state: this.snapshot.state });
    const sent = performance.now();
    this.socket.timeout(ASK_TIMEOUT_MS).emit("session:join", { jobId: this.jobId }, (err: Error | null, reply: Reply<{ state: SessionState }>) => {
      if (this.closed) return;
      // The join's round trip is the first measure of the link, so the first report is a real one.
      if (!err) this.lastRttMs = Math.round(performance.now() - sent);
      if (err) return this.update({ kind: "refused", error: timeoutError("session:join"), state: this.snapshot.state });
      if (!reply.ok) return this.update({ kind: "refused", error: reply.error, state: this.snapshot.state });
      this.update({ kind: "joined", state: reply.state });
      for (const l of this.runListeners) l();
      this.measure();
    });
  };

  /** Sends the last round trip and times this one: the server keeps each person's quality from it. */
  private readonly measure = (): void => {
    if (this.snapshot.kind !== "joined" || !this.socket.connected || this.lastRttMs === null) return;
    const sent = performance.now();
    this.socket.timeout(ASK_TIMEOUT_MS).emit("session:quality", { jobId: this.jobId, rttMs: this.lastRttMs }, (err: Error | null) => {
      this.lastRttMs = err ? ASK_TIMEOUT_MS : Math.round(performance.now() - sent);
    });
  };

  /** Changes the state, if joined to this job (a push for another job or before the join is dropped). */
  private edit(jobId: string, change: (state: SessionState) => SessionState): void {
    if (jobId !== this.jobId || this.snapshot.kind !== "joined") return;
    this.update({ kind: "joined", state: change(this.snapshot.state) });
  }

  private readonly onPresence = (msg: { jobId: string; participants: SessionState["participants"] }): void =>
    this.edit(msg.jobId, (s) => ({ ...s, participants: msg.participants }));

  private readonly onChat = (message: SessionState["chat"][number]): void =>
    this.edit(message.jobId, (s) => (s.chat.some((m) => m.id === message.id) ? s : { ...s, chat: [...s.chat, message] }));

  private readonly onLease = (msg: { jobId: string; lease: Lease }): void =>
    this.edit(msg.jobId, (s) => ({ ...s, leases: s.leases.map((l) => (l.instrumentId === msg.lease.instrumentId && l.epoch <= msg.lease.epoch ? msg.lease : l)) }));

  private readonly onEvent = (msg: { jobId: string; record: SessionRecord }): void =>
    this.edit(msg.jobId, (s) => (s.events.some((r) => r.id === msg.record.id) ? s : { ...s, events: [...s.events, msg.record].slice(-TIMELINE_MAX) }));

  private readonly onAnnotation = (annotation: Annotation): void =>
    this.edit(annotation.jobId, (s) => {
      if (s.annotations.some((a) => a.id === annotation.id)) return s;
      // As the server keeps them: the newest ANNOTATIONS_PER_TARGET of each target.
      const same = s.annotations.filter((a) => a.target === annotation.target);
      const drop = new Set(same.slice(0, Math.max(0, same.length + 1 - ANNOTATIONS_PER_TARGET)).map((a) => a.id));
      return { ...s, annotations: [...s.annotations.filter((a) => !drop.has(a.id)), annotation] };
    });

  private readonly onCleared = (msg: { jobId: string; target: AnnotationTarget }): void =>
    this.edit(msg.jobId, (s) => ({ ...s, annotations: s.annotations.filter((a) => a.target !== msg.target) }));

  private readonly onRun = (msg: { jobId: string }): void => {
    if (msg.jobId === this.jobId) for (const l of this.runListeners) l();
  };

  private update(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    for (const l of this.listeners) l();
  }
}
