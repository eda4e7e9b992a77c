import type { ErrorBody, HandRaised, LessonChatMessage, LessonParticipant, LessonState, Quiz, QuizAnswer, Reply } from "@telecal/protocols";
import type { UiSocket } from "../../realtime/live-store";

/** joining: lesson:join sent; joined: the state is the server's; refused: the server said no. */
export type LessonSnapshot = { kind: "joining"; state: LessonState | null } | { kind: "joined"; state: LessonState } | { kind: "refused"; error: ErrorBody; state: LessonState | null };

const ASK_TIMEOUT_MS = 10_000;
const timeoutError = (event: string): ErrorBody => ({ code: "TIMEOUT", message: `no answer to ${event} within ${ASK_TIMEOUT_MS} ms` });

/**
 * This tab's place in a live lesson: joins over the /ui socket (again after every reconnect: the
 * answer is the whole state), folds the room's pushes into that state, and sends the person's
 * requests. Lives outside React; components read `getSnapshot` through useSyncExternalStore.
 */
export class LessonStore {
  private snapshot: LessonSnapshot = { kind: "joining", state: null };
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(
    private readonly socket: UiSocket,
    readonly lessonId: string,
  ) {
    socket.on("connect", this.join);
    socket.on("lesson:presence", this.onPresence);
    socket.on("lesson:hands", this.onHands);
    socket.on("lesson:chat", this.onChat);
    socket.on("lesson:chat-deleted", this.onDeleted);
    socket.on("lesson:muted", this.onMuted);
    socket.on("lesson:stage", this.onStage);
    socket.on("lesson:removed", this.onRemoved);
    socket.on("lesson:quiz", this.onQuiz);
    socket.on("lesson:answer", this.onAnswer);
    if (socket.connected) this.join();
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LessonSnapshot => this.snapshot;

  close(): void {
    this.closed = true;
    this.socket.off("connect", this.join);
    this.socket.off("lesson:presence", this.onPresence);
    this.socket.off("lesson:hands", this.onHands);
    this.socket.off("lesson:chat", this.onChat);
    this.socket.off("lesson:chat-deleted", this.onDeleted);
    this.socket.off("lesson:muted", this.onMuted);
    this.socket.off("lesson:stage", this.onStage);
    this.socket.off("lesson:removed", this.onRemoved);
    this.socket.off("lesson:quiz", this.onQuiz);
    this.socket.off("lesson:answer", this.onAnswer);
    if (this.socket.connected) this.socket.emit("lesson:leave", { lessonId: this.lessonId }, () => undefined);
  }

  /** Emits a lesson event with a timeout; the answer, or a refusal, never an exception. */
  ask<T extends object>(event: string, body: object): Promise<Reply<T>> {
    const timed = this.socket.timeout(ASK_TIMEOUT_MS) as unknown as { emit(e: string, b: object, ack: (err: Error | null, reply: Reply<T>) => void): void };
    return new Promise((resolve) => timed.emit(event, { lessonId: this.lessonId, ...body }, (err, reply) => resolve(err ? { ok: false, error: timeoutError(event) } : reply)));
  }

  private readonly join = (): void => {
    if (this.closed) return;
    this.update({ kind: "joining", state: this.snapshot.state });
    void this.ask<{ state: LessonState }>("lesson:join", {}).then((reply) => {
      if (this.closed) return;
      this.update(reply.ok ? { kind: "joined", state: reply.state } : { kind: "refused", error: reply.error, state: this.snapshot.state });
    });
  };

  private change(fn: (s: LessonState) => LessonState): void {
    const s = this.snapshot;
    if (s.kind === "joined") this.update({ kind: "joined", state: fn(s.state) });
  }

  private readonly onPresence = (m: { lessonId: string; present: LessonParticipant[] }) => m.lessonId === this.lessonId && this.change((s) => ({ ...s, present: m.present }));
  private readonly onHands = (m: { lessonId: string; hands: HandRaised[] }) => m.lessonId === this.lessonId && this.change((s) => ({ ...s, hands: m.hands }));
  private readonly onMuted = (m: { lessonId: string; muted: string[] }) => m.lessonId === this.lessonId && this.change((s) => ({ ...s, muted: m.muted }));
  private readonly onStage = (m: { lessonId: string; stage: string | null }) => m.lessonId === this.lessonId && this.change((s) => ({ ...s, stage: m.stage }));
  /** Taken out of the course: out of the room, as a join would now be refused. */
  private readonly onRemoved = (m: { lessonId: string }) => {
    if (m.lessonId !== this.lessonId) return;
    this.update({ kind: "refused", error: { code: "TC_ERR_LESSON_NOT_ENROLLED", message: "taken out of the course by a trainer" }, state: null });
  };
  private readonly onChat = (m: LessonChatMessage) =>
    m.lessonId === this.lessonId && this.change((s) => (s.chat.some((c) => c.id === m.id) ? s : { ...s, chat: [...s.chat, m].slice(-200) }));
  private readonly onDeleted = (m: { lessonId: string; messageId: string }) =>
    m.lessonId === this.lessonId && this.change((s) => ({ ...s, chat: s.chat.filter((c) => c.id !== m.messageId) }));
  private readonly onQuiz = (q: Quiz) => {
    if (q.lessonId !== this.lessonId) return;
    this.change((s) => {
      const quizzes = s.quizzes.some((x) => x.id === q.id) ? s.quizzes.map((x) => (x.id === q.id ? q : x)) : [...s.quizzes, q];
      // A trainer's totals count every quiz given; a trainee's come with the state (below).
      const maxScore = quizzes.reduce((sum, x) => sum + x.points, 0);
      return { ...s, quizzes, scores: s.part === "trainer" ? s.scores.map((sc) => ({ ...sc, maxScore })) : s.scores };
    });
    // A trainee's marks and score come with the state once the quiz is closed: ask for it again.
    if (q.status === "closed" && this.snapshot.state?.part === "trainee") this.join();
  };
  /** A trainee's answer, to a trainer: it replaces that trainee's earlier one, and the scores follow. */
  private readonly onAnswer = (a: QuizAnswer) =>
    this.change((s) => {
      if (!s.quizzes.some((q) => q.id === a.quizId)) return s;
      const answers = [...s.answers.filter((x) => !(x.quizId === a.quizId && x.user.userId === a.user.userId)), a];
      return { ...s, answers, scores: s.scores.map((sc) => ({ ...sc, ...totals(answers, sc.userId) })) };
    });

  /** A trainee's own answer, as the server took it. */
  ownAnswer(a: QuizAnswer): void {
    this.change((s) => ({ ...s, answers: [...s.answers.filter((x) => x.quizId !== a.quizId), a] }));
  }

  private update(next: LessonSnapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}

function totals(answers: QuizAnswer[], userId: string): { score: number; answered: number } {
  const theirs = answers.filter((a) => a.user.userId === userId);
  return { score: theirs.reduce((sum, a) => sum + (a.score ?? 0), 0), answered: theirs.length };
}
