import { z } from "zod";
import { Role } from "./auth";
import { ErrorBody } from "./errors";
import { Id } from "./ids";

/**
 * Live sessions (docs/protocol.md, Sessions): one per job, a socket.io room on /ui where the job's
 * people see each other, chat, and pass control of the bench's instruments by leases. Every event
 * here is also a record of the log, stream `session/<jobId>`, so a session can be replayed.
 */

/** The record log's stream of a job's session. */
export function sessionStream(jobId: string): string {
  return `session/${jobId}`;
}

/** Most characters of one chat message. */
export const CHAT_MAX_CHARS = 2000;

/** Who did something in a session, as the others see it. */
export const SessionUser = z.strictObject({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: Role,
  organisationId: Id,
});
export type SessionUser = z.infer<typeof SessionUser>;

/** Roles that may hold a lease and command an instrument. Trainees never command a real instrument. */
export const COMMAND_ROLES: ReadonlySet<Role> = new Set<Role>(["admin", "expert", "technician", "trainer"]);
/** Roles that may draw and clear marks; trainees watch. */
export const ANNOTATE_ROLES: ReadonlySet<Role> = new Set<Role>(["admin", "expert", "technician", "trainer"]);

/** How well a participant's link carries the session; null until it is measured. */
export const ConnectionQuality = z.enum(["good", "fair", "poor"]);
export type ConnectionQuality = z.infer<typeof ConnectionQuality>;

/** One person in the session: connected, or dropped (and expected back) until they leave. */
export const Participant = SessionUser.extend({
  connected: z.boolean(),
  /** UTC ms of the first join, or of the return after a leave. */
  since: z.number(),
  quality: ConnectionQuality.nullable(),
});
export type Participant = z.infer<typeof Participant>;

/** A command to one instrument: what the bench is asked to do. */
export const InstrumentCommand = z.discriminatedUnion("kind", [
  /** A set point (the calibrator's output, say) in an SI unit; the agent picks the property by unit. */
  z.strictObject({ kind: z.literal("set"), value: z.number().finite(), unit: z.string().min(1).max(16) }),
  /** Output on (operate) or off (standby). */
  z.strictObject({ kind: z.literal("output"), on: z.boolean() }),
]);
export type InstrumentCommand = z.infer<typeof InstrumentCommand>;

/** The set points a job may ask of a source in one unit: its test points' nominals, and zero. */
export const OutputEnvelope = z.strictObject({ unit: z.string().min(1).max(16), min: z.number().finite(), max: z.number().finite() });
export type OutputEnvelope = z.infer<typeof OutputEnvelope>;

/** An instrument of the job's bench that can be leased: registry id, the job's equipment id, the agent's id. */
export const SessionInstrument = z.strictObject({
  instrumentId: Id,
  equipment: Id,
  agentId: Id,
  agentInstrumentId: Id,
  /** The job's output envelope for a source (set commands outside it are refused); empty for the others. */
  envelope: z.array(OutputEnvelope),
});
export type SessionInstrument = z.infer<typeof SessionInstrument>;

/** Who controls one instrument. The epoch rises at every grant, revoke and release, and never falls. */
export const Lease = z.strictObject({
  instrumentId: Id,
  epoch: z.number().int().nonnegative(),
  holder: SessionUser.nullable(),
  grantedBy: z.string().nullable(),
  /** UTC ms of the last change. */
  at: z.number().nullable(),
  /** Who asked for control and has not had an answer yet, oldest first. */
  requests: z.array(SessionUser),
});
export type Lease = z.infer<typeof Lease>;

export const ChatMessage = z.strictObject({
  /** The record's id in the log. */
  id: z.number().int().positive(),
  jobId: Id,
  from: SessionUser,
  text: z.string(),
  at: z.number(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** Where a mark is drawn: one person's camera as the others see it, or one stream's chart. */
export const AnnotationTarget = z.union([
  z.string().regex(/^video:[A-Za-z0-9._-]{1,64}$/),
  // chart:agent:stream (streamRef); chart:agent/stream is how marks made before that were kept.
  z.string().regex(/^chart:[A-Za-z0-9._/:-]{1,160}$/),
]);
export type AnnotationTarget = z.infer<typeof AnnotationTarget>;

/** A share of the target's width or height, 0 at the left or top, 1 at the right or bottom. */
const Share = z.number().min(0).max(1);

/** A mark: a ring round something, or a line drawn by hand; coordinates as shares of the target. */
export const AnnotationShape = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("ring"), x: Share, y: Share, r: z.number().min(0.005).max(0.5) }),
  z.strictObject({ kind: z.literal("path"), points: z.array(z.tuple([Share, Share])).min(2).max(200) }),
]);
export type AnnotationShape = z.infer<typeof AnnotationShape>;

/** Most marks kept on one target; the oldest goes when one more is drawn. */
export const ANNOTATIONS_PER_TARGET = 20;

export const Annotation = z.strictObject({
  /** The record's id in the log. */
  id: z.number().int().positive(),
  jobId: Id,
  from: SessionUser,
  target: AnnotationTarget,
  shape: AnnotationShape,
  note: z.string().max(200).nullable(),
  at: z.number(),
});
export type Annotation = z.infer<typeof Annotation>;

/** What each record of a session's stream holds (`payload` of GET /api/sessions/:jobId/events). */
export const SessionEvent = z.discriminatedUnion("event", [
  z.strictObject({ event: z.literal("joined"), user: SessionUser }),
  /** `dropped`: the link went down (the person may come back); otherwise they left. */
  z.strictObject({ event: z.literal("left"), user: SessionUser, dropped: z.boolean() }),
  z.strictObject({ event: z.literal("chat"), user: SessionUser, text: z.string() }),
  z.strictObject({ event: z.literal("lease-requested"), user: SessionUser, instrumentId: Id }),
  z.strictObject({ event: z.literal("lease-granted"), user: SessionUser, instrumentId: Id, to: SessionUser, epoch: z.number().int() }),
  z.strictObject({ event: z.literal("lease-revoked"), user: SessionUser, instrumentId: Id, from: SessionUser.nullable(), epoch: z.number().int() }),
  z.strictObject({ event: z.literal("lease-released"), user: SessionUser, instrumentId: Id, epoch: z.number().int() }),
  /** A command that passed the server's checks, recorded before it is sent to the agent. */
  z.strictObject({
    event: z.literal("command"),
    user: SessionUser,
    commandId: z.string(),
    instrumentId: Id,
    epoch: z.number().int(),
    command: InstrumentCommand,
  }),
  /** The agent's answer to a command (or why none came). */
  z.strictObject({
    event: z.literal("command-result"),
    user: SessionUser,
    commandId: z.string(),
    instrumentId: Id,
    outcome: z.union([z.strictObject({ ok: z.literal(true) }), z.strictObject({ ok: z.literal(false), error: ErrorBody })]),
  }),
  z.strictObject({ event: z.literal("annotated"), user: SessionUser, target: AnnotationTarget, shape: AnnotationShape, note: z.string().nullable() }),
  z.strictObject({ event: z.literal("annotations-cleared"), user: SessionUser, target: AnnotationTarget }),
  /** Something a participant asked for and was refused (a command, a grant ...), with the code. */
  z.strictObject({ event: z.literal("refused"), user: SessionUser, what: z.string(), request: z.json().optional(), error: ErrorBody }),
]);
export type SessionEvent = z.infer<typeof SessionEvent>;

/** A session event as the log holds it. */
export const SessionRecord = z.strictObject({
  id: z.number().int().positive(),
  seq: z.number().int().nonnegative(),
  kind: z.string(),
  at: z.number(),
  actor: z.string(),
  payload: SessionEvent,
});
export type SessionRecord = z.infer<typeof SessionRecord>;

/** Everything a participant needs on join or rejoin, at once. */
export const SessionState = z.strictObject({
  jobId: Id,
  serverTime: z.number(),
  /** Who the receiver is, as the session knows them. */
  you: SessionUser,
  participants: z.array(Participant),
  instruments: z.array(SessionInstrument),
  leases: z.array(Lease),
  /** The latest messages, oldest first. */
  chat: z.array(ChatMessage),
  /** The latest events of every kind, oldest first. */
  events: z.array(SessionRecord),
  /** The marks on every target since it was last cleared, oldest first. */
  annotations: z.array(Annotation),
});
export type SessionState = z.infer<typeof SessionState>;

// Client → server on /ui. Each names its job: a socket may be in several sessions.

export const SessionJoin = z.strictObject({ jobId: Id });
export type SessionJoin = z.infer<typeof SessionJoin>;
export const SessionLeave = SessionJoin;
export type SessionLeave = SessionJoin;

export const ChatSend = z.strictObject({
  jobId: Id,
  text: z.string().trim().min(1).max(CHAT_MAX_CHARS),
});
export type ChatSend = z.infer<typeof ChatSend>;

/** Request or release control of an instrument; the technician (or the lab's admin) revokes it. */
export const LeaseAsk = z.strictObject({ jobId: Id, instrumentId: Id });
export type LeaseAsk = z.infer<typeof LeaseAsk>;

/** The technician at the bench (or the lab's admin) hands control to a participant. */
export const LeaseGrant = z.strictObject({ jobId: Id, instrumentId: Id, to: z.string().min(1).max(64) });
export type LeaseGrant = z.infer<typeof LeaseGrant>;

export const AnnotateSend = z.strictObject({
  jobId: Id,
  target: AnnotationTarget,
  shape: AnnotationShape,
  note: z.string().trim().max(200).optional(),
});
export type AnnotateSend = z.infer<typeof AnnotateSend>;

export const AnnotationsClear = z.strictObject({ jobId: Id, target: AnnotationTarget });
export type AnnotationsClear = z.infer<typeof AnnotationsClear>;

/** A browser's round-trip time to the server, measured with an acked event, for its connection quality. */
export const QualityReport = z.strictObject({ jobId: Id, rttMs: z.number().finite().min(0).max(600_000) });
export type QualityReport = z.infer<typeof QualityReport>;

/** Round trips up to these many ms are good, then fair; above, poor. */
export const QUALITY_RTT_MS = { good: 150, fair: 500 } as const;

export function qualityOf(rttMs: number): ConnectionQuality {
  return rttMs <= QUALITY_RTT_MS.good ? "good" : rttMs <= QUALITY_RTT_MS.fair ? "fair" : "poor";
}

export const SessionCommand = z.strictObject({
  jobId: Id,
  instrumentId: Id,
  /** The epoch of the sender's lease: a command from before a revoke or a new grant is refused. */
  epoch: z.number().int().nonnegative(),
  command: InstrumentCommand,
});
export type SessionCommand = z.infer<typeof SessionCommand>;

export const CommandDone = z.strictObject({ commandId: z.string(), epoch: z.number().int() });
export type CommandDone = z.infer<typeof CommandDone>;

// Server → agent on /agent.

/** A command that passed the server's checks, for the agent that owns the instrument; acked with the outcome. */
export const AgentCommand = z.strictObject({
  commandId: z.string().min(1).max(64),
  jobId: Id,
  /** The instrument's id on the agent. */
  instrument: Id,
  epoch: z.number().int().nonnegative(),
  command: InstrumentCommand,
  /** "user:<id>" of the lease holder. */
  by: z.string(),
});
export type AgentCommand = z.infer<typeof AgentCommand>;

/** A lease's new epoch, told to the agent so it refuses anything older that is still on the way. */
export const AgentLeaseEpoch = z.strictObject({ instrument: Id, epoch: z.number().int().nonnegative() });
export type AgentLeaseEpoch = z.infer<typeof AgentLeaseEpoch>;

// REST.

export const SessionParams = z.strictObject({ jobId: Id });

/** GET /api/sessions/:jobId/events?after=SEQ&limit=N: the session's records for replay, oldest first. */
export const SessionEventsQuery = z.strictObject({
  after: z.coerce.number().int().min(-1).default(-1),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const SessionEventsResponse = z.strictObject({
  jobId: Id,
  events: z.array(SessionRecord),
  /** Pass as `after` for the next page; null at the end. */
  next: z.number().int().nullable(),
});
export type SessionEventsResponse = z.infer<typeof SessionEventsResponse>;
