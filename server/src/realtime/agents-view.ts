import { type AgentSummary, type HistoryPoint, type UiSnapshot } from "@telecal/protocols";
import type { Hub } from "./hub";
import type { Peers } from "./peers";

/** Organisations as a question to the other processes carries them (null: all). */
type Visible = string[] | null;

const toSet = (visible: Visible): ReadonlySet<string> | undefined => (visible === null ? undefined : new Set(visible));
const toList = (visible: ReadonlySet<string> | undefined): Visible => (visible === undefined ? null : [...visible]);

/**
 * The agents as viewers see them: this process's hub and, in a cluster, every other process's (an
 * agent is connected to one process; the one that last saw it knows its history). Of two processes'
 * word on one agent, the one it is online at wins, then the newer.
 */
export class AgentsView {
  constructor(
    private readonly hub: Hub,
    private readonly peers: Peers,
    private readonly historyPoints = 3000,
  ) {
    peers.answer<Visible, AgentSummary[]>("hub:summaries", (visible) => hub.summaries(toSet(visible)));
    peers.answer<Visible, UiSnapshot>("hub:snapshot", (visible) => hub.snapshot(toSet(visible)));
  }

  async summaries(visible?: ReadonlySet<string>): Promise<AgentSummary[]> {
    const local = this.hub.summaries(visible);
    if (!this.peers.clustered) return local;
    const remote = await this.peers.ask<AgentSummary[]>("hub:summaries", toList(visible));
    return mergeSummaries([local, ...remote]);
  }

  async snapshot(visible?: ReadonlySet<string>, now = Date.now()): Promise<UiSnapshot> {
    const local = this.hub.snapshot(visible, now);
    if (!this.peers.clustered) return local;
    const remote = await this.peers.ask<UiSnapshot>("hub:snapshot", toList(visible));
    const parts = [local, ...remote];
    return {
      serverTime: now,
      agents: mergeSummaries(parts.map((p) => p.agents)),
      history: mergeHistory(
        parts.map((p) => p.history),
        this.historyPoints,
      ),
    };
  }

  /** The agents online at any process now. */
  async onlineIds(): Promise<ReadonlySet<string>> {
    return new Set((await this.summaries()).filter((a) => a.online).map((a) => a.agentId));
  }
}

/** One summary per agent: online beats offline, then the later seen. */
export function mergeSummaries(parts: readonly AgentSummary[][]): AgentSummary[] {
  const best = new Map<string, AgentSummary>();
  for (const part of parts) {
    for (const a of part) {
      const seen = best.get(a.agentId);
      if (!seen || (a.online && !seen.online) || (a.online === seen.online && a.lastSeen > seen.lastSeen)) best.set(a.agentId, a);
    }
  }
  return [...best.values()].sort((a, b) => a.agentId.localeCompare(b.agentId));
}

/**
 * Each stream's history from every process that holds some (an agent that moved to another process
 * left its earlier points at the first): the points of all, by time, once each, the newest `max`.
 */
export function mergeHistory(parts: readonly Record<string, HistoryPoint[]>[], max: number): Record<string, HistoryPoint[]> {
  const out: Record<string, HistoryPoint[]> = {};
  for (const part of parts) {
    for (const [key, points] of Object.entries(part)) {
      const had = out[key];
      out[key] = had === undefined ? points : [...had, ...points];
    }
  }
  if (parts.length > 1) {
    for (const [key, points] of Object.entries(out)) {
      const byTime = new Map<number, HistoryPoint>();
      for (const p of points) byTime.set(p[0], p);
      out[key] = [...byTime.values()].sort((a, b) => a[0] - b[0]).slice(-max);
    }
  }
  return out;
}
