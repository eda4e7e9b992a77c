import {
  type ErrorBody,
  LessonChatDelete,
  LessonChatSend,
  LessonHand,
  LessonHandLower,
  LessonJoin,
  LessonMute,
  LessonMuteAll,
  LessonStage,
  NAMESPACE,
  QuizAnswerSend,
  QuizClose,
  QuizOpen,
  type Reply,
  TelecalError,
  validationError,
} from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import type { Server, Socket } from "socket.io";
import type { z } from "zod";
import { socketUser } from "../../auth/socket-auth";
import { answer, errorBody } from "../reply";
import { type Admitted, lessonRoom, lessonTrainersRoom } from "./context";
import type { LessonService } from "./service";

/** Client events of lessons on /ui, each with the schema of its payload. */
export const LESSON_EVENTS = {
  "lesson:join": LessonJoin,
  "lesson:leave": LessonJoin,
  "lesson:hand": LessonHand,
  "lesson:hand-lower": LessonHandLower,
  "lesson:chat": LessonChatSend,
  "lesson:chat-delete": LessonChatDelete,
  "lesson:mute": LessonMute,
  "lesson:mute-all": LessonMuteAll,
  "lesson:stage": LessonStage,
  "lesson:bench": LessonJoin,
  "lesson:quiz-open": QuizOpen,
  "lesson:quiz-close": QuizClose,
  "lesson:quiz-answer": QuizAnswerSend,
} as const;

type LessonEvent = keyof typeof LESSON_EVENTS;
type Handler<K extends LessonEvent> = (socket: Socket, body: z.infer<(typeof LESSON_EVENTS)[K]>) => Promise<Reply<object>>;

const LESSON_ROOM = /^lesson:([^:]+)$/;

/**
 * Lesson events on /ui. The namespace guard has checked the session of each event; each handler
 * parses its payload, and every event but join is refused unless this socket joined the lesson.
 * The course's trainers and enrolled trainees are checked again at each event (context.ts).
 */
export function attachLessonEvents(io: Server, lessons: LessonService, log: FastifyBaseLogger): (userId: string, lessonIds: string[]) => Promise<void> {
  const nsp = io.of(NAMESPACE.ui);
  const userOf = (s: { data: unknown }) => (s.data as { session?: { user: { id: string } } }).session?.user.id;
  const stillThere = (userId: string, lessonId: string) => async () => (await nsp.in(lessonRoom(lessonId)).fetchSockets()).some((s) => userOf(s) === userId);

  /** The lesson for one event of a socket that joined it. */
  const joined = async (s: Socket, lessonId: string, what: string): Promise<Admitted> => {
    if (!s.rooms.has(lessonRoom(lessonId))) throw new TelecalError("TC_ERR_LESSON_NOT_JOINED", { lesson: lessonId, what });
    return lessons.ctx.admit(socketUser(s), lessonId);
  };

  const on = <K extends LessonEvent>(socket: Socket, event: K, handle: Handler<K>) => {
    const name: string = event;
    socket.on(name, (raw: unknown, ack: unknown) => {
      const problem = (error: ErrorBody) => socket.emit("problem", error);
      void (async (): Promise<Reply<object>> => {
        const parsed = LESSON_EVENTS[event].safeParse(raw);
        if (!parsed.success) throw validationError(event, parsed.error);
        return handle(socket, parsed.data as z.infer<(typeof LESSON_EVENTS)[K]>);
      })().then(
        (reply) => answer(ack, reply, problem),
        (err: unknown) => answer(ack, { ok: false, error: errorBody(err, log) }, problem),
      );
    });
  };

  nsp.on("connection", (socket) => {
    on(socket, "lesson:join", async (s, body) => {
      // Into the rooms once admitted, before the state is read: nothing said after is missed.
      const state = await lessons.join(socketUser(s), body.lessonId, (a) => s.join(a.part === "trainer" ? [lessonRoom(body.lessonId), lessonTrainersRoom(body.lessonId)] : lessonRoom(body.lessonId)));
      return { ok: true, state };
    });
    on(socket, "lesson:leave", async (s, body) => {
      const a = await joined(s, body.lessonId, "leaving it");
      await s.leave(lessonRoom(body.lessonId));
      await s.leave(lessonTrainersRoom(body.lessonId));
      await lessons.left(a.person.userId, body.lessonId, stillThere(a.person.userId, body.lessonId));
      return { ok: true };
    });
    on(socket, "lesson:hand", async (s, body) => ({ ok: true, hands: await lessons.hand(await joined(s, body.lessonId, "a hand"), body.raised) }));
    on(socket, "lesson:hand-lower", async (s, body) => ({ ok: true, hands: await lessons.lowerHand(await joined(s, body.lessonId, "lowering a hand"), body.userId) }));
    on(socket, "lesson:chat", async (s, body) => ({ ok: true, message: await lessons.chat(await joined(s, body.lessonId, "chat"), body.text) }));
    on(socket, "lesson:chat-delete", async (s, body) => {
      await lessons.deleteChat(await joined(s, body.lessonId, "deleting a message"), body.messageId);
      return { ok: true };
    });
    on(socket, "lesson:mute", async (s, body) => ({ ok: true, muted: await lessons.mute(await joined(s, body.lessonId, "muting"), body.userId, body.muted) }));
    on(socket, "lesson:mute-all", async (s, body) => ({ ok: true, muted: await lessons.muteAll(await joined(s, body.lessonId, "muting"), body.muted) }));
    on(socket, "lesson:stage", async (s, body) => ({ ok: true, stage: await lessons.setStage(await joined(s, body.lessonId, "the stage"), body.userId) }));
    on(socket, "lesson:bench", async (s, body) => ({ ok: true, bench: await lessons.bench(await joined(s, body.lessonId, "watching the bench")) }));
    on(socket, "lesson:quiz-open", async (s, body) => ({ ok: true, quiz: await lessons.quizzes.open(await joined(s, body.lessonId, "opening a quiz"), body) }));
    on(socket, "lesson:quiz-close", async (s, body) => ({ ok: true, quiz: await lessons.quizzes.close(await joined(s, body.lessonId, "closing a quiz"), body.quizId) }));
    on(socket, "lesson:quiz-answer", async (s, body) => ({ ok: true, answer: await lessons.quizzes.answer(await joined(s, body.lessonId, "answering a quiz"), body) }));

    // The rooms are gone by `disconnect`: note the lessons now, end the stints once the socket is out.
    let lessonsOf: string[] = [];
    socket.on("disconnecting", () => {
      lessonsOf = [...socket.rooms].flatMap((r) => LESSON_ROOM.exec(r)?.[1] ?? []);
    });
    socket.on("disconnect", () => {
      const userId = userOf(socket);
      if (userId === undefined) return;
      for (const lessonId of lessonsOf) {
        lessons.left(userId, lessonId, stillThere(userId, lessonId)).catch((err: unknown) => log.warn({ err: String(err), lessonId }, "could not record a trainee leaving"));
      }
    });
  });

  // A trainee taken out of a course: their sockets, on every process, leave its lessons' rooms.
  return async (userId, lessonIds) => {
    for (const lessonId of lessonIds) {
      await lessons.removed(userId, lessonId, async () => {
        for (const s of await nsp.in(lessonRoom(lessonId)).fetchSockets()) {
          if (userOf(s) !== userId) continue;
          s.leave(lessonRoom(lessonId));
          s.emit("lesson:removed", { lessonId });
        }
      });
    }
  };
}
