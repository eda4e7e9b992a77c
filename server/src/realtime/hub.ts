import {
  type AgentHello,
  type AgentSummary,
  type BatchAck,
  type ClockStamp,
  type HistoryPoint,
  type LiveValue,
  type ReadingBatch,
  streamKey,
  TelecalError,
  type UiSnapshot,
} from "@telecal/protocols";
import { Ring } from "./ring";

interface StreamState {
  instrumentId: string;
  unit: string;
  /** Every seq up to this one has been accepted; -1 before the first. */
  acked: number;
  history: Ring<HistoryPoint>;
}

interface AgentState {
  hello: AgentHello;
  online: boolean;
  connectedAt: number | null;
  lastSeen: number;
  clock: ClockStamp | null;
  streams: Map<string, StreamState>;
}

export interface HubOptions {
  /** Points of recent history kept per stream for viewers who join. */
  historyPoints: number;
}

type Listener = () => void;

/**
 * The server's live state: which agents are online, what they announced, and per stream the
 * highest contiguous seq accepted and a short history for viewers. Readings are accepted
 * idempotently: a seq seen before is acknowledged again and not applied twice.
 */
export class Hub {
  private readonly agents = new Map<string, AgentState>();
  private pendingLive = new Map<string, LiveValue>();
  private readonly agentListeners = new Set<Listener>();

  constructor(private readonly options: HubOptions = { historyPoints: 3000 }) {}

  agentConnected(hello: AgentHello, now = Date.now()): Record<string, number> {
    const previous = this.agents.get(hello.agentId);
    const streams = new Map<string, StreamState>();
    for (const instrument of hello.instruments) {
      for (const stream of instrument.streams) {
        const old = previous?.streams.get(stream.id);
        streams.set(stream.id, {
          instrumentId: instrument.id,
          unit: stream.unit,
          acked: old?.acked ?? -1,
          history: old?.history ?? new Ring<HistoryPoint>(this.options.historyPoints),
        });
      }
    }
    this.agents.set(hello.agentId, {
      hello,
      online: true,
      connectedAt: now,
      lastSeen: now,
      clock: previous?.clock ?? null,
      streams,
    });
    this.notifyAgents();
    return Object.fromEntries([...streams].map(([id, s]) => [id, s.acked]));
  }

  agentDisconnected(agentId: string, now = Date.now()): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.online = false;
    agent.connectedAt = null;
    agent.lastSeen = now;
    this.notifyAgents();
  }

  /** Accepts a parsed batch; returns the ack. Throws TelecalError for a batch it cannot take. */
  ingest(agentId: string, batch: ReadingBatch, now = Date.now()): BatchAck {
    const agent = this.agents.get(agentId);
    const stream = agent?.streams.get(batch.streamId);
    if (!agent || !stream || stream.instrumentId !== batch.instrumentId) {
      throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: batch.streamId });
    }
    // A stream this server has no record of starts where the agent is. The durable store of
    // issue 4 remembers acked seqs across restarts, so this applies only to a new stream.
    if (stream.acked === -1) stream.acked = batch.firstSeq - 1;
    if (batch.firstSeq > stream.acked + 1) {
      throw new TelecalError("TC_ERR_SEQ_GAP", {
        stream: batch.streamId,
        first: batch.firstSeq,
        expected: stream.acked + 1,
      });
    }
    agent.lastSeen = now;
    agent.clock = batch.clock;
    const skip = stream.acked + 1 - batch.firstSeq;
    for (let i = Math.max(0, skip); i < batch.t.length; i++) {
      const point: HistoryPoint = [batch.t[i]!, batch.values[i]!, batch.flags[i]!];
      stream.history.push(point);
    }
    const lastSeq = batch.firstSeq + batch.t.length - 1;
    if (lastSeq > stream.acked) {
      stream.acked = lastSeq;
      if (!batch.historical) {
        const i = batch.t.length - 1;
        this.pendingLive.set(streamKey(agentId, batch.streamId), {
          agentId,
          instrumentId: batch.instrumentId,
          streamId: batch.streamId,
          seq: lastSeq,
          t: batch.t[i]!,
          value: batch.values[i]!,
          unit: batch.unit,
          flags: batch.flags[i]!,
        });
      }
    }
    return { streamId: batch.streamId, ackedSeq: stream.acked };
  }

  /** The newest value of every stream that changed since the last call. */
  takeLive(): LiveValue[] {
    if (this.pendingLive.size === 0) return [];
    const values = [...this.pendingLive.values()];
    this.pendingLive = new Map();
    return values;
  }

  summaries(): AgentSummary[] {
    return [...this.agents.values()].map((a) => ({
      agentId: a.hello.agentId,
      name: a.hello.name,
      online: a.online,
      connectedAt: a.connectedAt,
      lastSeen: a.lastSeen,
      clock: a.clock,
      instruments: a.hello.instruments,
    }));
  }

  snapshot(now = Date.now()): UiSnapshot {
    const history: Record<string, HistoryPoint[]> = {};
    for (const [agentId, agent] of this.agents) {
      for (const [streamId, stream] of agent.streams) {
        history[streamKey(agentId, streamId)] = stream.history.toArray();
      }
    }
    return { serverTime: now, agents: this.summaries(), history };
  }

  onAgentsChanged(listener: Listener): () => void {
    this.agentListeners.add(listener);
    return () => this.agentListeners.delete(listener);
  }

  private notifyAgents(): void {
    for (const listener of this.agentListeners) listener();
  }
}
