import type { ClockPing, ClockPong } from "./clock";
import type { ErrorBody } from "./errors";
import type { AgentHello, HelloAccepted } from "./hello";
import type { AgentLiveValue, BatchAck, LiveValue, ReadingBatch } from "./readings";
import type { Ack } from "./reply";
import type { AgentJob, JobEventReport } from "./run-events";
import type { AgentSummary, UiSnapshot } from "./ui";

/** Socket.io namespaces; the event maps below type each side of each. */
export const NAMESPACE = { agent: "/agent", ui: "/ui" } as const;

/** /agent: what a lab agent may send. Payloads are `unknown` here because the server parses them. */
export interface AgentToServerEvents {
  hello: (msg: AgentHello, ack: Ack<HelloAccepted>) => void;
  readings: (batch: ReadingBatch, ack: Ack<BatchAck>) => void;
  /** Readings as they are taken, volatile and unacknowledged: for viewers only. */
  live: (values: AgentLiveValue[]) => void;
  /** Clock exchange; allowed before hello. */
  clock: (ping: ClockPing, ack: Ack<ClockPong>) => void;
  /** An event of a job's run on the bench (set, read), acknowledged once it is in the record log. */
  "job-event": (report: JobEventReport, ack: Ack<{ jobId: string }>) => void;
}

export interface ServerToAgentEvents {
  /** An event the server could not accept and could not answer through an ack. */
  problem: (error: ErrorBody) => void;
  /** The agent's unfinished jobs with the events the server holds: after hello, and when one changes. */
  jobs: (jobs: AgentJob[]) => void;
}

/** /ui: what a viewer's browser may send. */
export interface UiToServerEvents {
  snapshot: (ack: Ack<{ snapshot: UiSnapshot }>) => void;
}

export interface ServerToUiEvents {
  snapshot: (snapshot: UiSnapshot) => void;
  agents: (agents: AgentSummary[]) => void;
  /** Values as the agents take them; volatile, so a slow viewer skips, never lags. */
  live: (values: LiveValue[]) => void;
  problem: (error: ErrorBody) => void;
}
