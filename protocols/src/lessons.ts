import { z } from "zod";
import { CoursePerson, Lesson } from "./courses";
import { JobStatus } from "./jobs";
import { ProcedureDocument } from "./procedures";
import { AgentSummary, HistoryPoint } from "./ui";

/**
 * A live lesson on /ui (docs/protocol.md, Lessons): a room per lesson for the course's trainers and
 * enrolled trainees, with presence, a raised-hand queue, moderated chat and quizzes. Answers go to
 * the trainers only; a trainee learns the right answer when the quiz closes.
 */

export const LESSON_CHAT_MAX_CHARS = 1000;
/** Options of one choice question. */
export const QUIZ_MAX_OPTIONS = 10;

const LessonId = z.string().min(1).max(64);

export const LessonJoin = z.strictObject({ lessonId: LessonId });
export type LessonJoin = z.infer<typeof LessonJoin>;

/** A trainee raises or lowers their own hand. */
export const LessonHand = z.strictObject({ lessonId: LessonId, raised: z.boolean() });
export type LessonHand = z.infer<typeof LessonHand>;

/** A trainer lowers a trainee's hand (taken the question). */
export const LessonHandLower = z.strictObject({ lessonId: LessonId, userId: z.string().min(1).max(64) });
export type LessonHandLower = z.infer<typeof LessonHandLower>;

export const LessonChatSend = z.strictObject({ lessonId: LessonId, text: z.string().trim().min(1).max(LESSON_CHAT_MAX_CHARS) });
export type LessonChatSend = z.infer<typeof LessonChatSend>;

export const LessonChatDelete = z.strictObject({ lessonId: LessonId, messageId: z.string().min(1).max(64) });
export type LessonChatDelete = z.infer<typeof LessonChatDelete>;

export const LessonMute = z.strictObject({ lessonId: LessonId, userId: z.string().min(1).max(64), muted: z.boolean() });
export type LessonMute = z.infer<typeof LessonMute>;

/** A trainer mutes (or unmutes) the chat of every enrolled trainee at once. */
export const LessonMuteAll = z.strictObject({ lessonId: LessonId, muted: z.boolean() });
export type LessonMuteAll = z.infer<typeof LessonMuteAll>;

/** A trainer brings one enrolled trainee on stage (they send camera and mic beside the trainer), or nobody (null). */
export const LessonStage = z.strictObject({ lessonId: LessonId, userId: z.string().min(1).max(64).nullable() });
export type LessonStage = z.infer<typeof LessonStage>;

/** What makes an answer right: the right options (all of them, for multiple choice), or a value within a tolerance. */
export const QuizKey = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("single"), options: z.array(z.string().trim().min(1).max(200)).min(2).max(QUIZ_MAX_OPTIONS), correct: z.number().int().nonnegative() }),
  z.strictObject({ kind: z.literal("multiple"), options: z.array(z.string().trim().min(1).max(200)).min(2).max(QUIZ_MAX_OPTIONS), correct: z.array(z.number().int().nonnegative()).min(1) }),
  z.strictObject({ kind: z.literal("numeric"), value: z.number().finite(), tolerance: z.number().finite().nonnegative(), unit: z.string().max(16).default("") }),
]);
export type QuizKey = z.infer<typeof QuizKey>;

/** A trainer opens a quiz (a poll is a quiz worth 0 points). */
export const QuizOpen = z
  .strictObject({ lessonId: LessonId, question: z.string().trim().min(1).max(1000), points: z.number().int().min(0).max(100).default(1), key: QuizKey })
  .superRefine((q, ctx) => {
    const k = q.key;
    const idx = k.kind === "single" ? [k.correct] : k.kind === "multiple" ? k.correct : [];
    const n = k.kind === "numeric" ? 0 : k.options.length;
    if (idx.some((i) => i >= n)) ctx.addIssue({ code: "custom", path: ["key", "correct"], message: `an option index is beyond the ${n} options` });
  });
export type QuizOpen = z.input<typeof QuizOpen>;

export const QuizClose = z.strictObject({ lessonId: LessonId, quizId: z.string().min(1).max(64) });
export type QuizClose = z.infer<typeof QuizClose>;

/** A trainee's answer: option indexes (one for single choice), or a number. */
export const QuizResponse = z.union([z.strictObject({ choices: z.array(z.number().int().nonnegative()).min(1).max(QUIZ_MAX_OPTIONS) }), z.strictObject({ value: z.number().finite() })]);
export type QuizResponse = z.infer<typeof QuizResponse>;

export const QuizAnswerSend = z.strictObject({ lessonId: LessonId, quizId: z.string().min(1).max(64), response: QuizResponse });
export type QuizAnswerSend = z.infer<typeof QuizAnswerSend>;

/** A quiz as the room sees it: the key only once it is closed, or always for a trainer. */
export const Quiz = z.strictObject({
  id: z.string(),
  lessonId: z.string(),
  question: z.string(),
  points: z.number(),
  kind: z.enum(["single", "multiple", "numeric"]),
  options: z.array(z.string()),
  unit: z.string(),
  status: z.enum(["open", "closed"]),
  openedAt: z.number(),
  closedAt: z.number().nullable(),
  key: QuizKey.nullable(),
});
export type Quiz = z.infer<typeof Quiz>;

/** One trainee's answer as a trainer sees it live (a trainee sees their own). */
export const QuizAnswer = z.strictObject({
  quizId: z.string(),
  user: CoursePerson,
  response: QuizResponse,
  /** Null to a trainee while the quiz is open: an answer could otherwise be tried until it is right. */
  correct: z.boolean().nullable(),
  score: z.number().nullable(),
  at: z.number(),
});
export type QuizAnswer = z.infer<typeof QuizAnswer>;

export const LessonParticipant = CoursePerson.extend({ part: z.enum(["trainer", "trainee"]), since: z.number() });
export type LessonParticipant = z.infer<typeof LessonParticipant>;

export const HandRaised = CoursePerson.extend({ raisedAt: z.number() });
export type HandRaised = z.infer<typeof HandRaised>;

export const LessonChatMessage = z.strictObject({ id: z.string(), lessonId: z.string(), from: CoursePerson, text: z.string(), at: z.number() });
export type LessonChatMessage = z.infer<typeof LessonChatMessage>;

/** A trainee's total: over every quiz for a trainer, over the closed ones for the trainee. */
export const LessonScore = CoursePerson.extend({ score: z.number(), maxScore: z.number(), answered: z.number().int() });
export type LessonScore = z.infer<typeof LessonScore>;

/**
 * `lesson:bench`: the lesson's demonstration bench as its room sees it (trainers and enrolled
 * trainees, whatever their organisation): the agent with its instruments and their recent history,
 * and the demonstration job on it (the newest unfinished job of that agent on that procedure).
 * Live values of that agent, and of no other, then reach the lesson's room with each tick.
 */
export const LessonBenchLive = z.strictObject({
  agentId: z.string(),
  procedureId: z.string(),
  /** Null: the server has never seen this agent connect. */
  agent: AgentSummary.nullable(),
  /** Keyed by streamRef(agentId, streamId). */
  history: z.record(z.string(), z.array(HistoryPoint)),
  job: z
    .strictObject({
      id: z.string(),
      status: JobStatus,
      next: z.string().nullable(),
      nextKind: z.string().nullable(),
      done: z.number().int(),
      steps: z.number().int(),
      /** The procedure as the job runs it: the page names the step in words from it. */
      procedure: ProcedureDocument,
    })
    .nullable(),
});
export type LessonBenchLive = z.infer<typeof LessonBenchLive>;

/** What a joiner gets at once. `answers` and `scores`: every trainee's for a trainer, one's own for a trainee. */
export const LessonState = z.strictObject({
  lesson: Lesson,
  courseTitle: z.string(),
  part: z.enum(["trainer", "trainee"]),
  present: z.array(LessonParticipant),
  hands: z.array(HandRaised),
  chat: z.array(LessonChatMessage),
  muted: z.array(z.string()),
  quizzes: z.array(Quiz),
  answers: z.array(QuizAnswer),
  scores: z.array(LessonScore),
  /** The trainee on stage (user id), or null. */
  stage: z.string().nullable(),
});
export type LessonState = z.infer<typeof LessonState>;
