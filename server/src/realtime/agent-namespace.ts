import {
  AgentHello,
  AgentLiveValues,
  type AgentToServerEvents,
  type ErrorBody,
  NAMESPACE,
  PROTOCOL_VERSION,
  isTelecalError,
  JobEventReport,
  ReadingBatch,
  ReadingGap,
  type ServerToAgentEvents,
  TelecalError,
  validationError,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Namespace, Server } from "socket.io";
import type { JobService } from "../jobs/service";
import type { Checkpointer } from "../records/checkpoints";
import { AGENT_CHECKPOINT_ASKS_PER_MINUTE, answerAgentCheckpoint } from "./agent-checkpoint";
import type { Hub } from "./hub";
import { RateLimiter } from "../auth/rate-limit";
import { answerClock } from "./clock";
import { answer, errorBody } from "./reply";

const KNOWN_EVENTS = new Set<string>(["hello", "readings", "gap", "clock", "live", "job-event", "checkpoint"]);

/**
 * Live messages one agent socket may send per second: the protocol's one per 100 ms (LIVE_TICK_MS)
 * twice over, for jitter. Beyond it they are dropped: a faulty or hostile agent cannot make the
 * server relay at its own rate to every viewer (and to every other process of a cluster).
 */
export const AGENT_LIVE_PER_SECOND = 20;

/** The room of one agent's sockets: what is meant for the agent (its jobs) is sent there. */
export function agentRoom(agentId: string): string {
  return `agent:${agentId}`;
}

/**
 * /agent: a lab agent says hello (protocol version, instruments), then streams reading batches.
 * Every payload is parsed here; a bad one is answered with a registry code and the socket stays up.
 */
export function attachAgentNamespace(
  io: Server,
  hub: Hub,
  log: FastifyBaseLogger,
  jobs?: JobService,
  livePerSecond = AGENT_LIVE_PER_SECOND,
  records?: { checkpoints: Checkpointer; db: object },
): void {
  const nsp = io.of(NAMESPACE.agent) as unknown as Namespace<AgentToServerEvents, ServerToAgentEvents>;
  const liveLimit = new RateLimiter(livePerSecond, 1000);
  // By agent, not socket: reconnecting does not buy more.
  const checkpointLimit = new RateLimiter(AGENT_CHECKPOINT_ASKS_PER_MINUTE, 60_000);
  nsp.on("connection", (socket) => {
    let agentId: string | null = null;
    const problem = (error: ErrorBody) => socket.emit("problem", error);
    let refusedUntil = 0;

    socket.onAny((event: string) => {
      if (!KNOWN_EVENTS.has(event)) {
        log.warn({ event, socket: socket.id }, "agent sent an unknown event");
        problem(new TelecalError("TC_ERR_UNKNOWN_EVENT", { event }).toBody());
      }
    });

    socket.on("clock", (raw: unknown, ack: unknown) => answer(ack, answerClock(raw), problem));

    // Live values are unacknowledged: a bad message is answered with a problem and dropped.
    socket.on("live", (raw: unknown) => {
      if (agentId === null) return problem(new TelecalError("TC_ERR_HELLO_REQUIRED", { event: "live" }).toBody());
      const wait = liveLimit.hit(socket.id);
      if (wait > 0) {
        // Dropped, told once per window: a refusal per message would flood back at the same rate.
        if (Date.now() >= refusedUntil) problem(new TelecalError("TC_ERR_SOCKET_RATE_LIMITED", { what: "live messages", seconds: wait }).toBody());
        refusedUntil = Date.now() + wait * 1000;
        return;
      }
      const parsed = AgentLiveValues.safeParse(raw);
      if (!parsed.success) return problem(validationError("live values", parsed.error).toBody());
      hub.relayLive(agentId, parsed.data);
    });

    socket.on("hello", async (raw: unknown, ack: unknown) => {
      try {
        const parsed = AgentHello.safeParse(raw);
        if (!parsed.success) throw validationError("hello", parsed.error);
        const hello = parsed.data;
        if (hello.protocol !== PROTOCOL_VERSION) {
          throw new TelecalError("TC_ERR_PROTOCOL_VERSION", {
            agent: hello.protocol,
            server: PROTOCOL_VERSION,
          });
        }
        const { acked, regressions } = await hub.agentConnected(hello);
        agentId = hello.agentId;
        for (const r of regressions) log.error(r, "stream regression: the store holds less of this stream than the agent saw acknowledged (data loss or a restore); the agent resends what it holds");
        await socket.join(agentRoom(agentId));
        log.info({ agentId, instruments: hello.instruments.length }, "agent online");
        answer(
          ack,
          { ok: true, agentId: hello.agentId, protocol: PROTOCOL_VERSION, serverTime: Date.now(), acked },
          problem,
        );
        // After the answer: the agent first resumes its outbox, then takes up its jobs.
        if (jobs) socket.emit("jobs", await jobs.agentJobs(hello.agentId));
      } catch (err) {
        log.warn({ err: String(err) }, "hello refused");
        answer(ack, { ok: false, error: errorBody(err, log) }, problem);
      }
    });

    socket.on("readings", async (raw: unknown, ack: unknown) => {
      try {
        if (agentId === null) throw new TelecalError("TC_ERR_HELLO_REQUIRED", { event: "readings" });
        const parsed = ReadingBatch.safeParse(raw);
        if (!parsed.success) throw validationError("reading batch", parsed.error);
        // Verified before anything is stored: a refused batch leaves no trace but the log line.
        await hub.verifyBatch(agentId, parsed.data);
        // Acked only once stored: the ack tells the agent it may forget these readings.
        const result = await hub.ingest(agentId, parsed.data);
        answer(ack, { ok: true, ...result }, problem);
      } catch (err) {
        const cause = isTelecalError(err, "TC_ERR_STORE_FAILED") ? String(err.cause) : undefined;
        log.warn({ agentId, err: String(err), cause }, "reading batch refused");
        answer(ack, { ok: false, error: errorBody(err, log) }, problem);
      }
    });

    socket.on("gap", async (raw: unknown, ack: unknown) => {
      try {
        if (agentId === null) throw new TelecalError("TC_ERR_HELLO_REQUIRED", { event: "gap" });
        const parsed = ReadingGap.safeParse(raw);
        if (!parsed.success) throw validationError("gap", parsed.error);
        const gap = parsed.data;
        const stored = await hub.recordGap(agentId, gap);
        log.warn({ agentId, ...gap, signature: undefined }, "agent lost readings: gap record stored");
        answer(ack, { ok: true, ...stored }, problem);
      } catch (err) {
        log.warn({ agentId, err: String(err) }, "gap refused");
        answer(ack, { ok: false, error: errorBody(err, log) }, problem);
      }
    });

    socket.on("job-event", async (raw: unknown, ack: unknown) => {
      try {
        if (agentId === null) throw new TelecalError("TC_ERR_HELLO_REQUIRED", { event: "job-event" });
        if (!jobs) throw new TelecalError("TC_ERR_UNKNOWN_EVENT", { event: "job-event" });
        const parsed = JobEventReport.safeParse(raw);
        if (!parsed.success) throw validationError("job event", parsed.error);
        await jobs.addAgentEvent(agentId, parsed.data.jobId, parsed.data.event);
        answer(ack, { ok: true, jobId: parsed.data.jobId }, problem);
      } catch (err) {
        log.warn({ agentId, err: String(err) }, "job event refused");
        answer(ack, { ok: false, error: errorBody(err, log) }, problem);
      }
    });

    socket.on("checkpoint", async (raw: unknown, ack: unknown) => {
      try {
        if (agentId === null) throw new TelecalError("TC_ERR_HELLO_REQUIRED", { event: "checkpoint" });
        if (!records) throw new TelecalError("TC_ERR_UNKNOWN_EVENT", { event: "checkpoint" });
        const wait = checkpointLimit.hit(agentId);
        if (wait > 0) throw new TelecalError("TC_ERR_SOCKET_RATE_LIMITED", { what: "checkpoint asks", seconds: wait });
        answer(ack, { ok: true, ...(await answerAgentCheckpoint(records.checkpoints, records.db, agentId, raw)) }, problem);
      } catch (err) {
        if (!isTelecalError(err, "TC_ERR_AGENT_NOT_CHECKPOINTED") && !isTelecalError(err, "TC_ERR_SOCKET_RATE_LIMITED")) log.warn({ agentId, err: String(err) }, "checkpoint ask refused");
        answer(ack, { ok: false, error: errorBody(err, log) }, problem);
      }
    });

    socket.on("disconnect", (reason) => {
      if (agentId !== null) {
        const id = agentId;
        log.info({ agentId: id, reason }, "agent offline");
        hub.agentDisconnected(id).catch((err: unknown) => log.warn({ agentId: id, err: String(err) }, "could not record last seen"));
      }
    });
  });
}
