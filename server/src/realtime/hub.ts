import {
  type AgentLiveValue,
  type AgentHello,
  type AgentSummary,
  type BatchAck,
  type ClockStamp,
  type GapAck,
  gapSigningBytes,
  type HistoryPoint,
  type LiveValue,
  batchSigningBytes,
  isTelecalError,
  type ReadingBatch,
  type ReadingGap,
  type StreamRegressionPayload,
  streamRef,
  TelecalError,
  type UiSnapshot,
} from "@telecal/protocols";
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { RegistryRepository } from "../registry/repository";
import type { Store } from "../store/store";
import { refuse, reservedIdProblem, unitProblem } from "./ingest-refusals";
import { Ring } from "./ring";

interface StreamState {
  instrumentId: string;
  unit: string;
  history: Ring<HistoryPoint>;
}

interface AgentState {
  hello: AgentHello;
  /** The organisation the agent is enrolled into: who may see it (null: nobody, not enrolled). */
  organisationId: string | null;
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

/** Told of a change of one agent (online, offline, announced anew), with the agent's organisation. */
type AgentListener = (organisationId: string | null) => void;

/** Told of one tick of an agent's live values, with the agent's id and organisation. */
export type LiveListener = (values: LiveValue[], agentId: string, organisationId: string | null) => void;

/**
 * The server's live state: which agents are online, what they announced, and per stream a short
 * history for viewers. Acked seqs live in the store: a batch is acked only once it is committed
 * there, and a seq seen before is acknowledged again and not applied twice.
 */
export class Hub {
  private readonly agents = new Map<string, AgentState>();
  private readonly liveListeners = new Set<LiveListener>();
  private readonly agentListeners = new Set<AgentListener>();
  /** Per stream, the tail of its ingest queue: batches of one stream are stored one after another. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Registered device keys by agent (null: enrolled without one); dropped at each hello. */
  private readonly deviceKeys = new Map<string, Promise<KeyObject | null>>();

  constructor(
    private readonly store: Store,
    private readonly options: HubOptions = { historyPoints: 3000 },
  ) {}

  /**
   * Records the hello in the store; answers, per announced stream, the seq the agent resumes after,
   * and the streams the store held less of than the agent saw acknowledged (alarms now recorded).
   */
  async agentConnected(hello: AgentHello, now = Date.now()): Promise<{ acked: Record<string, number>; regressions: StreamRegressionPayload[] }> {
    this.deviceKeys.delete(hello.agentId);
    const reserved = reservedIdProblem(hello);
    if (reserved) await refuse(this.store, hello.agentId, reserved, { event: "hello", instruments: hello.instruments.map((i) => i.id) }, now);
    const announced = await this.store.announceHello(hello, now);
    const organisationId = (await new RegistryRepository(this.store.db).agentOrganisation(hello.agentId)) ?? null;
    const previous = this.agents.get(hello.agentId);
    const streams = new Map<string, StreamState>();
    for (const instrument of hello.instruments) {
      for (const stream of instrument.streams) {
        const old = previous?.streams.get(stream.id);
        streams.set(stream.id, {
          instrumentId: instrument.id,
          unit: stream.unit,
          history: old?.history ?? new Ring<HistoryPoint>(this.options.historyPoints),
        });
      }
    }
    this.agents.set(hello.agentId, {
      hello,
      organisationId,
      online: true,
      connectedAt: now,
      lastSeen: now,
      clock: previous?.clock ?? null,
      streams,
    });
    this.notifyAgents(organisationId);
    return announced;
  }

  async agentDisconnected(agentId: string, now = Date.now()): Promise<void> {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.online = false;
    agent.connectedAt = null;
    agent.lastSeen = now;
    this.notifyAgents(agent.organisationId);
    await this.store.agents.touch(agentId, now);
  }

  /**
   * Checks a batch's signature against the agent's registered device key; throws
   * TC_ERR_BAD_SIGNATURE when it is missing or wrong, or when the agent has no key.
   */
  async verifyBatch(agentId: string, batch: ReadingBatch): Promise<void> {
    const refuse = (reason: string) => new TelecalError("TC_ERR_BAD_SIGNATURE", { stream: batch.streamId, seq: batch.firstSeq, agentId, reason });
    await this.verifySigned(agentId, batchSigningBytes(batch), batch.signature, refuse);
  }

  /**
   * Stores a gap record (readings the agent could not keep) once, after checking its signature as
   * a batch's; its stream must be one the agent announced.
   */
  async recordGap(agentId: string, gap: ReadingGap, now = Date.now()): Promise<GapAck> {
    const stream = this.agents.get(agentId)?.streams.get(gap.streamId);
    if (!stream || stream.instrumentId !== gap.instrumentId) throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: gap.streamId });
    const refuse = (reason: string) => new TelecalError("TC_ERR_BAD_SIGNATURE", { stream: gap.streamId, seq: gap.firstSeq, agentId, reason });
    await this.verifySigned(agentId, gapSigningBytes(gap), gap.signature, refuse);
    await this.store.gaps.store(agentId, gap, now);
    return { streamId: gap.streamId, firstSeq: gap.firstSeq };
  }

  private async verifySigned(agentId: string, bytes: Uint8Array, signature: string | undefined, refuse: (reason: string) => TelecalError): Promise<void> {
    let cached = this.deviceKeys.get(agentId);
    if (!cached) {
      cached = this.store.agents.publicKey(agentId).then((pem) => (pem === null ? null : createPublicKey(pem)));
      this.deviceKeys.set(agentId, cached);
      cached.catch(() => this.deviceKeys.delete(agentId));
    }
    const key = await cached;
    if (key === null) throw refuse("agent has no registered device key");
    if (signature === undefined) throw refuse("it is not signed");
    let good: boolean;
    try {
      good = verify(null, bytes, key, Buffer.from(signature, "base64"));
    } catch {
      // A signature of the wrong length for Ed25519, say.
      good = false;
    }
    if (!good) throw refuse("the signature does not verify against the agent's device key");
  }

  /**
   * Stores a parsed batch, then applies it to the live state; resolves to the ack, which therefore
   * means durable. Rejects with a TelecalError for a batch it cannot take (nothing of it stored).
   */
  ingest(agentId: string, batch: ReadingBatch, now = Date.now()): Promise<BatchAck> {
    const key = streamRef(agentId, batch.streamId);
    const run = (this.queues.get(key) ?? Promise.resolve()).then(() => this.ingestNow(agentId, batch, now));
    const tail = run.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return run;
  }

  /** Resolves once every batch taken so far is stored or refused. */
  async drain(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  private async ingestNow(agentId: string, batch: ReadingBatch, now: number): Promise<BatchAck> {
    const agent = this.agents.get(agentId);
    const stream = agent?.streams.get(batch.streamId);
    if (!agent || !stream || stream.instrumentId !== batch.instrumentId) {
      throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: batch.streamId });
    }
    const unit = unitProblem(batch, stream.unit);
    if (unit) await refuse(this.store, agentId, unit, { event: "readings", streamId: batch.streamId, firstSeq: batch.firstSeq, count: batch.t.length, unit: batch.unit, announced: stream.unit }, now);
    // SQLite runs a batch's transaction as one chain of microtasks: let socket I/O (live values,
    // other agents) in between batches, so a backlog being stored never holds up what viewers see.
    await new Promise((resolve) => setImmediate(resolve));
    const stored = await this.store.readings.storeBatch(agentId, batch, now).catch((err: unknown) => {
      const detail = { event: "readings", streamId: batch.streamId, firstSeq: batch.firstSeq, count: batch.t.length };
      if (isTelecalError(err, "TC_ERR_FIRST_SEQ_SKIPPED")) return refuse(this.store, agentId, err, detail, now);
      if (!isTelecalError(err, "TC_ERR_SEQ_CONFLICT")) throw err;
      return refuse(this.store, agentId, err, { ...detail, alarm: true }, now);
    });
    agent.lastSeen = now;
    agent.clock = batch.clock;
    const firstNew = stored.previousAckedSeq + 1 - batch.firstSeq;
    for (let i = Math.max(0, firstNew); i < batch.t.length; i++) {
      stream.history.push([batch.t[i]!, batch.values[i]!, batch.flags[i]!]);
    }
    return { streamId: batch.streamId, ackedSeq: stored.ackedSeq };
  }

  /**
   * Relays one tick of an agent's live values to viewers at once. Values of streams the agent did
   * not announce are dropped; the rest go out whole, in one message.
   */
  relayLive(agentId: string, values: readonly AgentLiveValue[]): void {
    const agent = this.agents.get(agentId);
    if (!agent) return;
    const out: LiveValue[] = [];
    for (const v of values) {
      if (agent.streams.get(v.streamId)?.instrumentId === v.instrumentId) out.push({ agentId, ...v });
    }
    if (out.length > 0) for (const listener of this.liveListeners) listener(out, agentId, agent.organisationId);
  }

  onLive(listener: LiveListener): () => void {
    this.liveListeners.add(listener);
    return () => this.liveListeners.delete(listener);
  }

  /** The agents of the organisations in `visible` (all of them without it: the server's own view). */
  summaries(visible?: ReadonlySet<string>): AgentSummary[] {
    return this.seen(visible).map((a) => ({
      agentId: a.hello.agentId,
      name: a.hello.name,
      online: a.online,
      connectedAt: a.connectedAt,
      lastSeen: a.lastSeen,
      clock: a.clock,
      instruments: a.hello.instruments,
    }));
  }

  /** What a viewer of the organisations in `visible` may see (everything without it). */
  snapshot(visible?: ReadonlySet<string>, now = Date.now()): UiSnapshot {
    const history: Record<string, HistoryPoint[]> = {};
    for (const agent of this.seen(visible)) {
      for (const [streamId, stream] of agent.streams) {
        history[streamRef(agent.hello.agentId, streamId)] = stream.history.toArray();
      }
    }
    return { serverTime: now, agents: this.summaries(visible), history };
  }

  onAgentsChanged(listener: AgentListener): () => void {
    this.agentListeners.add(listener);
    return () => this.agentListeners.delete(listener);
  }

  private seen(visible: ReadonlySet<string> | undefined): AgentState[] {
    const all = [...this.agents.values()];
    return visible ? all.filter((a) => a.organisationId !== null && visible.has(a.organisationId)) : all;
  }

  private notifyAgents(organisationId: string | null): void {
    for (const listener of this.agentListeners) listener(organisationId);
  }
}
