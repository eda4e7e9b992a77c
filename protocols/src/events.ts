import type { AgentCheckpointAnswer, AgentCheckpointAsk } from "./agent-checkpoint";
import type { ClockPing, ClockPong } from "./clock";
import type { ErrorBody } from "./errors";
import type { GapAck, ReadingGap } from "./gaps";
import type { AgentHello, HelloAccepted } from "./hello";
import type { AgentLiveValue, BatchAck, LiveValue, ReadingBatch } from "./readings";
import type { Ack } from "./reply";
import type { RtcJoin, RtcJoined, RtcPeerJoined, RtcPeerLeft, RtcSignal, RtcSignalFrom } from "./rtc";
import type { AgentJob, JobEventReport } from "./run-events";
import type {
  AgentCommand,
  AgentLeaseEpoch,
  AnnotateSend,
  Annotation,
  AnnotationsClear,
  AnnotationTarget,
  ChatMessage,
  ChatSend,
  CommandDone,
  ConnectionQuality,
  Lease,
  LeaseAsk,
  LeaseGrant,
  Participant,
  QualityReport,
  SessionCommand,
  SessionJoin,
  SessionLeave,
  SessionRecord,
  SessionState,
  SessionUser,
} from "./sessions";
import type { AgentSummary, UiSnapshot } from "./ui";
import type {
  HandRaised,
  LessonBenchLive,
  LessonChatDelete,
  LessonChatMessage,
  LessonChatSend,
  LessonHand,
  LessonHandLower,
  LessonJoin,
  LessonMute,
  LessonMuteAll,
  LessonParticipant,
  LessonStage,
  LessonState,
  Quiz,
  QuizAnswer,
  QuizAnswerSend,
  QuizClose,
  QuizOpen,
} from "./lessons";

/** Socket.io namespaces; the event maps below type each side of each. */
export const NAMESPACE = { agent: "/agent", ui: "/ui" } as const;

/** /agent: what a lab agent may send. Payloads are `unknown` here because the server parses them. */
export interface AgentToServerEvents {
  hello: (msg: AgentHello, ack: Ack<HelloAccepted>) => void;
  readings: (batch: ReadingBatch, ack: Ack<BatchAck>) => void;
  /** Readings the agent could not keep (its outbox was full), acknowledged once in the record log. */
  gap: (gap: ReadingGap, ack: Ack<GapAck>) => void;
  /** Readings as they are taken, one message per tick, unacknowledged: for viewers only. */
  live: (values: AgentLiveValue[]) => void;
  /** Clock exchange; allowed before hello. */
  clock: (ping: ClockPing, ack: Ack<ClockPong>) => void;
  /** An event of a job's run on the bench (set, read), acknowledged once it is in the record log. */
  "job-event": (report: JobEventReport, ack: Ack<{ jobId: string }>) => void;
  /** The latest signed checkpoint covering one of the agent's batches, with the proofs (agent-checkpoint.ts). */
  checkpoint: (ask: AgentCheckpointAsk, ack: Ack<AgentCheckpointAnswer>) => void;
}

export interface ServerToAgentEvents {
  /** An event the server could not accept and could not answer through an ack. */
  problem: (error: ErrorBody) => void;
  /** The agent's unfinished jobs with the events the server holds: after hello, and when one changes. */
  jobs: (jobs: AgentJob[]) => void;
  /** A command to one of the agent's instruments from a session's lease holder; acked with the outcome. */
  command: (command: AgentCommand, ack: Ack<{ commandId: string }>) => void;
  /** A lease's epoch moved (grant, revoke, release): commands with a lower epoch are refused. */
  "lease-epoch": (epoch: AgentLeaseEpoch) => void;
}

/** /ui: what a viewer's browser may send. */
export interface UiToServerEvents {
  snapshot: (ack: Ack<{ snapshot: UiSnapshot }>) => void;
  /** Live sessions (protocols/src/sessions.ts); each is checked against role and organisation. */
  "session:join": (msg: SessionJoin, ack: Ack<{ state: SessionState }>) => void;
  "session:leave": (msg: SessionLeave, ack: Ack<object>) => void;
  "session:chat": (msg: ChatSend, ack: Ack<{ message: ChatMessage }>) => void;
  "session:lease-request": (msg: LeaseAsk, ack: Ack<{ lease: Lease }>) => void;
  "session:lease-grant": (msg: LeaseGrant, ack: Ack<{ lease: Lease }>) => void;
  "session:lease-revoke": (msg: LeaseAsk, ack: Ack<{ lease: Lease }>) => void;
  "session:lease-release": (msg: LeaseAsk, ack: Ack<{ lease: Lease }>) => void;
  "session:command": (msg: SessionCommand, ack: Ack<CommandDone>) => void;
  "session:annotate": (msg: AnnotateSend, ack: Ack<{ annotation: Annotation }>) => void;
  "session:annotations-clear": (msg: AnnotationsClear, ack: Ack<{ cleared: number }>) => void;
  "session:quality": (msg: QualityReport, ack: Ack<{ quality: ConnectionQuality }>) => void;
  /** Video and audio (protocols/src/rtc.ts): enter a job's mesh, signal one peer, leave. */
  "rtc-join": (msg: RtcJoin, ack: Ack<RtcJoined>) => void;
  "rtc-signal": (msg: RtcSignal, ack?: Ack<object>) => void;
  "rtc-leave": (ack?: Ack<object>) => void;
  /** Live lessons of courses (protocols/src/lessons.ts): each checked against the course's trainers and trainees. */
  "lesson:join": (msg: LessonJoin, ack: Ack<{ state: LessonState }>) => void;
  "lesson:leave": (msg: LessonJoin, ack: Ack<object>) => void;
  "lesson:hand": (msg: LessonHand, ack: Ack<{ hands: HandRaised[] }>) => void;
  "lesson:hand-lower": (msg: LessonHandLower, ack: Ack<{ hands: HandRaised[] }>) => void;
  "lesson:chat": (msg: LessonChatSend, ack: Ack<{ message: LessonChatMessage }>) => void;
  "lesson:chat-delete": (msg: LessonChatDelete, ack: Ack<object>) => void;
  "lesson:mute": (msg: LessonMute, ack: Ack<{ muted: string[] }>) => void;
  "lesson:mute-all": (msg: LessonMuteAll, ack: Ack<{ muted: string[] }>) => void;
  "lesson:stage": (msg: LessonStage, ack: Ack<{ stage: string | null }>) => void;
  /** The lesson's demonstration bench now (null: the lesson has none). */
  "lesson:bench": (msg: LessonJoin, ack: Ack<{ bench: LessonBenchLive | null }>) => void;
  "lesson:quiz-open": (msg: QuizOpen, ack: Ack<{ quiz: Quiz }>) => void;
  "lesson:quiz-close": (msg: QuizClose, ack: Ack<{ quiz: Quiz }>) => void;
  "lesson:quiz-answer": (msg: QuizAnswerSend, ack: Ack<{ answer: QuizAnswer }>) => void;
}

export interface ServerToUiEvents {
  snapshot: (snapshot: UiSnapshot) => void;
  agents: (agents: AgentSummary[]) => void;
  /** Values as the agents take them, per tick; a slow viewer gets the newest per stream, never lags. */
  live: (values: LiveValue[]) => void;
  problem: (error: ErrorBody) => void;
  /** To a session's room: who is there, whenever it changes. */
  "session:presence": (msg: { jobId: string; participants: Participant[] }) => void;
  "session:chat": (message: ChatMessage) => void;
  /** One instrument's lease, whenever it changes (request, grant, revoke, release). */
  "session:lease": (msg: { jobId: string; lease: Lease }) => void;
  /** Every recorded event of the session, refusals included, as it is recorded. */
  "session:event": (msg: { jobId: string; record: SessionRecord }) => void;
  "session:annotation": (annotation: Annotation) => void;
  "session:annotations-cleared": (msg: { jobId: string; target: AnnotationTarget; by: SessionUser }) => void;
  /** The job changed (a step, a hold, an approval): fetch GET /api/jobs/:id/run again. */
  "session:run": (msg: { jobId: string }) => void;
  "rtc-peer-joined": (msg: RtcPeerJoined) => void;
  "rtc-peer-left": (msg: RtcPeerLeft) => void;
  "rtc-signal": (msg: RtcSignalFrom) => void;
  /** To a lesson's room: who is there, the hand queue in order, chat and its moderation, quizzes. */
  "lesson:presence": (msg: { lessonId: string; present: LessonParticipant[] }) => void;
  "lesson:hands": (msg: { lessonId: string; hands: HandRaised[] }) => void;
  "lesson:chat": (message: LessonChatMessage) => void;
  "lesson:chat-deleted": (msg: { lessonId: string; messageId: string }) => void;
  "lesson:muted": (msg: { lessonId: string; muted: string[] }) => void;
  /** The trainee on stage changed (null: nobody); theirs is the second sender of the lesson's video. */
  "lesson:stage": (msg: { lessonId: string; stage: string | null }) => void;
  /** To a trainee taken out of the course: they are out of the lesson's room. */
  "lesson:removed": (msg: { lessonId: string }) => void;
  "lesson:quiz": (quiz: Quiz) => void;
  /** To the lesson's trainers only: each answer as it comes. */
  "lesson:answer": (answer: QuizAnswer) => void;
}
