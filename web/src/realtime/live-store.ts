import { streamRef } from "@telecal/protocols";
import type { AgentSummary, HistoryPoint, LiveValue, ServerToUiEvents, UiSnapshot, UiToServerEvents } from "@telecal/protocols";
import type { Socket } from "socket.io-client";
import { History } from "./history";

export type ConnectionState = "connecting" | "connected" | "disconnected";
export type UiSocket = Socket<ServerToUiEvents, UiToServerEvents>;

/** The newest value of a stream. A new object on every change, so React can compare by identity. */
export interface Latest {
  readonly t: number;
  readonly value: number | null;
  readonly flags: number;
  /** Null when the value came from a snapshot, which carries no unit: use the stream's descriptor. */
  readonly unit: string | null;
}

type Listener = () => void;

/**
 * Everything the server pushes to /ui, kept outside React: live values arrive several times a second
 * per stream, and only the few components that show a given stream should hear about it.
 */
export class LiveStore {
  private connection: ConnectionState = "connecting";
  private socket: UiSocket | null = null;
  private agents: readonly AgentSummary[] = [];
  private clockOffsetMs = 0;
  private readonly histories = new Map<string, History>();
  private readonly latest = new Map<string, Latest>();
  private readonly listeners = new Set<Listener>();
  private readonly streamListeners = new Map<string, Set<Listener>>();

  readonly getConnection = (): ConnectionState => this.connection;
  readonly getAgents = (): readonly AgentSummary[] => this.agents;
  /** The /ui socket, for features that send their own events on it (video signalling). */
  readonly getSocket = (): UiSocket | null => this.socket;

  setSocket(socket: UiSocket | null): void {
    this.socket = socket;
    for (const l of this.listeners) l();
  }

  /** For connection state and the agent list, which change rarely. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  subscribeStream(key: string, listener: Listener): () => void {
    let set = this.streamListeners.get(key);
    if (set === undefined) {
      set = new Set();
      this.streamListeners.set(key, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.streamListeners.delete(key);
    };
  }

  getLatest(key: string): Latest | undefined {
    return this.latest.get(key);
  }

  getHistory(key: string): History | undefined {
    return this.histories.get(key);
  }

  /** Server clock minus browser clock, estimated at the last snapshot; ages are measured with it. */
  getClockOffsetMs(): number {
    return this.clockOffsetMs;
  }

  setConnection(state: ConnectionState): void {
    if (state === this.connection) return;
    this.connection = state;
    this.emit();
  }

  applySnapshot(snapshot: UiSnapshot): void {
    this.clockOffsetMs = snapshot.serverTime - Date.now();
    this.agents = snapshot.agents;
    const stale = new Set([...this.histories.keys(), ...this.latest.keys()]);
    this.histories.clear();
    this.latest.clear();
    for (const [key, points] of Object.entries(snapshot.history)) {
      const history = new History();
      let newest: Latest | undefined;
      for (const [t, value, flags] of points) {
        if (history.push(t, value)) newest = { t, value, flags, unit: null };
      }
      this.histories.set(key, history);
      if (newest !== undefined) this.latest.set(key, newest);
      stale.add(key);
    }
    this.emit();
    for (const key of stale) this.emitStream(key);
  }

  /**
   * Recent history of streams this viewer's snapshot did not carry (a lesson's bench of another
   * organisation); streams already held keep theirs.
   */
  mergeHistory(history: Readonly<Record<string, readonly HistoryPoint[]>>): void {
    for (const [key, points] of Object.entries(history)) {
      if (this.histories.has(key)) continue;
      const h = new History();
      let newest: Latest | undefined;
      for (const [t, value, flags] of points) if (h.push(t, value)) newest = { t, value, flags, unit: null };
      this.histories.set(key, h);
      if (newest !== undefined) this.latest.set(key, newest);
      this.emitStream(key);
    }
  }

  applyAgents(agents: AgentSummary[]): void {
    this.agents = agents;
    this.emit();
  }

  applyLive(values: LiveValue[]): void {
    for (const live of values) {
      const key = streamRef(live.agentId, live.streamId);
      let history = this.histories.get(key);
      if (history === undefined) {
        history = new History();
        this.histories.set(key, history);
      }
      // A live value can repeat one already shown or be older than the snapshot (around a reconnect).
      if (!history.push(live.t, live.value)) continue;
      this.latest.set(key, { t: live.t, value: live.value, flags: live.flags, unit: live.unit });
      this.emitStream(key);
    }
  }

  private emit(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private emitStream(key: string): void {
    const set = this.streamListeners.get(key);
    if (set === undefined) return;
    for (const listener of [...set]) listener();
  }
}
