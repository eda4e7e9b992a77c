import type { KeyObject } from "node:crypto";
import {
  Agent,
  type AgentCredential,
  AgentConfig,
  getSimDefinition,
  InstrumentSimulator,
  serveTcp,
  type SimServer,
  silentLogger,
  type UplinkTuning,
} from "@telecal/agent";
import { type HistoryPoint, NAMESPACE, streamRef } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { enrolAgent } from "./auth";
import { FaultProxy } from "./fault-proxy";

export const RIG_AGENT_ID = "lab-faults";

/** A real server, a fault proxy in front of it, and `channels` simulated DMMs on TCP. */
export interface LinkRig {
  server: TelecalServer;
  proxy: FaultProxy;
  dmms: SimServer[];
  /** The rig agent's credential, enrolled through the store. */
  credential: AgentCredential;
  /** The rig agent's device key, its public key registered with the server. */
  deviceKey: KeyObject;
  /** Stream ids, one per DMM: dmm1.dcv ... */
  streams: string[];
  /** An agent config (plain data, also valid YAML as JSON) that reaches the server through the proxy. */
  agentConfig(extra?: Record<string, unknown>): Record<string, unknown>;
  /** Reading batches that reached the server marked historical (a backlog being replayed). */
  historicalBatches(): number;
  /** What the server stored for a stream, in the order it stored it: index i is seq i. */
  stored(streamId: string): HistoryPoint[];
  close(): Promise<void>;
}

export async function startLinkRig(options: { channels?: number; intervalMs?: number } = {}): Promise<LinkRig> {
  const channels = options.channels ?? 8;
  const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
  const { auth: credential, deviceKey } = await enrolAgent(server, RIG_AGENT_ID);
  const proxy = await FaultProxy.start({ host: "127.0.0.1", port: Number(new URL(server.url).port) });
  const dmms = await Promise.all(
    Array.from({ length: channels }, () =>
      serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0),
    ),
  );
  // Watches the wire beside the server's own handler.
  let historical = 0;
  server.io.of(NAMESPACE.agent).on("connection", (socket) => {
    socket.on("readings", (batch: { historical?: unknown }) => {
      if (batch?.historical === true) historical++;
    });
  });
  return {
    server,
    proxy,
    dmms,
    credential,
    deviceKey,
    streams: dmmStreams(dmms.length),
    agentConfig: (extra = {}) => dmmAgentConfig(proxy.url, dmms, options.intervalMs ?? 100, extra),
    historicalBatches: () => historical,
    stored: (streamId) => server.hub.snapshot().history[streamRef(RIG_AGENT_ID, streamId)] ?? [],
    async close() {
      await proxy.close();
      await Promise.all(dmms.map((d) => d.close()));
      await server.close();
    },
  };
}

/** Stream ids of `channels` DMMs: dmm1.dcv ... */
export function dmmStreams(channels: number): string[] {
  return Array.from({ length: channels }, (_, i) => `dmm${i + 1}.dcv`);
}

/** The config of the rig's agent (plain data, also valid YAML as JSON): one DMM per simulator. */
export function dmmAgentConfig(
  serverUrl: string,
  dmms: SimServer[],
  intervalMs: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: 1,
    server: { url: serverUrl },
    agent: { id: RIG_AGENT_ID, name: "故障测试实验室" },
    instruments: dmms.map((dmm, i) => ({
      id: `dmm${i + 1}`,
      driver: "keysight-34465a",
      role: "uut",
      transport: { type: "tcp", host: "127.0.0.1", port: dmm.port },
      intervalMs,
    })),
    ...extra,
  };
}

/** Waits until `check` holds, polling; the error names what was awaited and how it ended. */
export async function until(what: string, check: () => boolean, timeoutMs: number, state?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) {
      const detail = state ? `; state: ${JSON.stringify(state())}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Stored points, with duplicates of the same time stamp, if any, named for a failure message. */
export function duplicateTimes(points: HistoryPoint[]): number[] {
  const seen = new Set<number>();
  const dups: number[] = [];
  for (const [t] of points) {
    if (seen.has(t)) dups.push(t);
    seen.add(t);
  }
  return dups;
}

export interface RecordedAgent {
  agent: Agent;
  /** Per stream, every reading the instruments handed to the outbox, in order: index i is seq i. */
  produced: Map<string, HistoryPoint[]>;
  /** Per stream, the highest seq the server has acknowledged (-1: none yet). */
  acked: Map<string, number>;
  /** Stops sampling, so that what was produced is final, and commits what waits. */
  stopSampling(): Promise<void>;
}

/**
 * Timings short enough for a test to see a dead link within a second or two; small batches, so
 * that a backlog of a few seconds drains in several, the older ones marked historical.
 */
export const FAST_UPLINK: UplinkTuning = {
  maxBatch: 20,
  ackTimeoutMs: 1000,
  connectTimeoutMs: 1000,
  reconnectionDelayMs: 100,
  reconnectionDelayMaxMs: 500,
};

/** What an agent needs of a rig: its config, identity and streams. */
export type AgentSide = Pick<LinkRig, "agentConfig" | "credential" | "deviceKey" | "streams">;

/** An in-process agent of the rig's config, its outbox in `dataDir`, recording what it produces. */
export function startRecordedAgent(rig: AgentSide, dataDir: string, tuning: UplinkTuning = {}): RecordedAgent {
  const config = AgentConfig.parse(rig.agentConfig({ dataDir }));
  const uplink = { ...FAST_UPLINK, ...tuning };
  const agent = new Agent(config, silentLogger, undefined, { uplink, credential: rig.credential, deviceKey: rig.deviceKey });
  const produced = new Map<string, HistoryPoint[]>(rig.streams.map((s) => [s, []]));
  const push = agent.outbox.push.bind(agent.outbox);
  agent.outbox.push = (instrumentId, streamId, unit, reading) => {
    produced.get(streamId)?.push([reading.t, reading.value, reading.flags]);
    push(instrumentId, streamId, unit, reading);
  };
  const acked = new Map<string, number>(rig.streams.map((s) => [s, -1]));
  const ack = agent.outbox.ack.bind(agent.outbox);
  agent.outbox.ack = (streamId, seq) => {
    acked.set(streamId, Math.max(acked.get(streamId) ?? -1, seq));
    return ack(streamId, seq);
  };
  agent.start();
  return {
    agent,
    produced,
    acked,
    async stopSampling() {
      await Promise.all(agent.instruments.map((i) => i.stop()));
      agent.outbox.commit();
    },
  };
}

/** Counts per stream, for failure messages. */
export function progress(rig: Pick<LinkRig, "streams" | "stored">, recorded: RecordedAgent): Record<string, string> {
  return Object.fromEntries(
    rig.streams.map((s) => [s, `${rig.stored(s).length}/${recorded.produced.get(s)?.length ?? 0}`]),
  );
}
