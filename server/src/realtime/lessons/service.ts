import { randomUUID } from "node:crypto";
import { type HandRaised, type LessonBenchLive, type LessonChatMessage, type LessonState, TelecalError, type UserInfo } from "@telecal/protocols";
import { RateLimiter } from "../../auth/rate-limit";
import { quizView } from "../../courses/quiz-repository";
import { lessonScores } from "../../courses/scores";
import { lessonView } from "../../courses/views";
import { type Admitted, type LessonContext, type LessonOptions, lessonRoom } from "./context";
import { PresenceTeller } from "./presence-teller";
import { hidden, LessonQuizzes } from "./quizzes";

/**
 * Live lessons: presence with each trainee's stints (attendance), the raised-hand queue, moderated
 * chat, and quizzes (`quizzes`). What the room shares lives in the store, so that every process of a
 * cluster serves the same lesson; the room on /ui carries the changes.
 */
export class LessonService {
  readonly quizzes: LessonQuizzes;
  private readonly chatLimit: RateLimiter;
  /** Joins and leaves of one lesson run one at a time here, so that two tabs never open two stints. */
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly pending = new Set<Promise<void>>();
  /** Lessons joined in this process, by their bench's agent: its live values go to their rooms too. */
  private readonly benches = new Map<string, Set<string>>();
  private readonly presence: PresenceTeller;

  constructor(
    readonly ctx: LessonContext,
    private readonly options: LessonOptions,
    onError: (err: unknown) => void = () => undefined,
  ) {
    this.quizzes = new LessonQuizzes(ctx);
    this.presence = new PresenceTeller(ctx, onError);
    this.chatLimit = new RateLimiter(options.chatLimit.max, options.chatLimit.windowMs);
  }

  /** Lets the user in (`enter` puts the socket in the rooms), opens their stint, answers the state. */
  async join(user: UserInfo, lessonId: string, enter: (a: Admitted) => Promise<void> | void, now = Date.now()): Promise<LessonState> {
    const a = await this.ctx.admit(user, lessonId);
    await enter(a);
    if (a.lesson.agent_id !== null) this.benches.set(a.lesson.agent_id, (this.benches.get(a.lesson.agent_id) ?? new Set()).add(lessonId));
    const arrived = await this.serial(lessonId, () => this.ctx.live.arrive(lessonId, user.id, now));
    if (arrived) this.presence.changed(a.lesson.id, a.course.id);
    return this.state(a);
  }

  /** The socket left the room; the person's stint ends unless another of their sockets is still in it. */
  left(userId: string, lessonId: string, stillThere: () => Promise<boolean>, now = Date.now()): Promise<void> {
    const done = this.leaving(userId, lessonId, stillThere, now);
    this.pending.add(done);
    void done.catch(() => undefined).finally(() => this.pending.delete(done));
    return done;
  }

  /** Waits for the stints being closed: a server that stops closes those of everyone still in a room. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    this.presence.stop();
  }

  private async leaving(userId: string, lessonId: string, stillThere: () => Promise<boolean>, now: number): Promise<void> {
    await this.serial(lessonId, async () => {
      if (!(await stillThere())) await this.ctx.live.depart(lessonId, userId, now);
    });
    const lesson = await this.ctx.courses.lesson(lessonId);
    if (lesson) this.presence.changed(lessonId, lesson.course_id);
  }

  async state(a: Admitted): Promise<LessonState> {
    const id = a.lesson.id;
    const trainer = a.part === "trainer";
    const quizzes = await this.ctx.quizzes.quizzes(id);
    const all = await this.ctx.quizzes.answers(id, trainer ? undefined : a.person.userId);
    const trainees = trainer ? await this.ctx.courses.enrolments(a.course.id) : [a.person];
    // A trainee learns marks and scores of closed quizzes only.
    const closed = new Set(quizzes.filter((q) => q.row.closed_at !== null).map((q) => q.row.id));
    const answers = trainer ? all : all.map((x) => (closed.has(x.quizId) ? x : hidden(x)));
    const counted = trainer ? quizzes : quizzes.filter((q) => closed.has(q.row.id));
    return {
      lesson: lessonView(a.lesson),
      courseTitle: a.course.title,
      part: a.part,
      present: await this.ctx.live.present(id, a.course.id),
      hands: await this.ctx.live.hands(id),
      chat: await this.ctx.live.chat(id, this.options.recentChat),
      muted: await this.ctx.live.muted(id),
      quizzes: quizzes.map((q) => quizView(q, trainer)),
      answers,
      stage: this.ctx.ports.stage.get(id),
      scores: lessonScores(
        trainees.map((t) => ({ userId: t.userId, username: t.username, displayName: t.displayName })),
        counted,
        answers.filter((x) => trainer || closed.has(x.quizId)),
      ),
    };
  }

  /** A trainee raises or lowers their own hand; a raised hand keeps its place in the queue. */
  async hand(a: Admitted, raised: boolean, now = Date.now()): Promise<HandRaised[]> {
    if (raised) await this.ctx.live.raise(a.lesson.id, a.person.userId, now);
    else await this.ctx.live.lower(a.lesson.id, a.person.userId);
    return this.tellHands(a);
  }

  /** A trainer lowers someone's hand (the question is taken). */
  async lowerHand(a: Admitted, userId: string): Promise<HandRaised[]> {
    this.ctx.trainerOnly(a, "lower a trainee's hand");
    await this.ctx.live.lower(a.lesson.id, userId);
    return this.tellHands(a);
  }

  async chat(a: Admitted, text: string, now = Date.now()): Promise<LessonChatMessage> {
    const wait = this.chatLimit.hit(a.person.userId, now);
    if (wait > 0) throw new TelecalError("TC_ERR_RATE_LIMITED", { what: "chat messages", key: a.person.username, seconds: wait });
    if ((await this.ctx.live.muted(a.lesson.id)).includes(a.person.userId)) throw new TelecalError("TC_ERR_LESSON_MUTED", { user: a.person.username, lesson: a.lesson.id });
    const message = await this.ctx.live.insertChat(randomUUID(), a.lesson.id, a.person, text, now);
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:chat", message);
    return message;
  }

  async deleteChat(a: Admitted, messageId: string, now = Date.now()): Promise<void> {
    this.ctx.trainerOnly(a, "delete a message");
    if (!(await this.ctx.live.deleteChat(a.lesson.id, messageId, a.person.userId, now))) {
      throw new TelecalError("TC_ERR_LESSON_MESSAGE_NOT_FOUND", { message: messageId, lesson: a.lesson.id });
    }
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:chat-deleted", { lessonId: a.lesson.id, messageId });
  }

  async mute(a: Admitted, userId: string, muted: boolean, now = Date.now()): Promise<string[]> {
    this.ctx.trainerOnly(a, muted ? "mute a trainee" : "unmute a trainee");
    if (muted && !(await this.ctx.courses.isEnrolled(a.course.id, userId))) {
      throw new TelecalError("TC_ERR_COURSE_PEOPLE", { part: "trainee", usernames: userId, reason: "is not enrolled in the course" });
    }
    await this.ctx.live.mute(a.lesson.id, userId, muted, a.person.userId, now);
    const list = await this.ctx.live.muted(a.lesson.id);
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:muted", { lessonId: a.lesson.id, muted: list });
    return list;
  }

  /**
   * A trainee taken out of the course, for each of its lessons: `evict` puts their sockets out of
   * the room; their hand goes down, they leave the stage, their video is withdrawn, their stint ends.
   */
  async removed(userId: string, lessonId: string, evict: () => Promise<void>): Promise<void> {
    await evict();
    await this.ctx.live.lower(lessonId, userId);
    this.ctx.broadcast(lessonRoom(lessonId), "lesson:hands", { lessonId, hands: await this.ctx.live.hands(lessonId) });
    if (this.ctx.ports.stage.get(lessonId) === userId) {
      this.ctx.ports.stage.set(lessonId, null);
      this.ctx.broadcast(lessonRoom(lessonId), "lesson:stage", { lessonId, stage: null });
    }
    await this.ctx.ports.stage.withdraw(lessonId, userId);
    await this.left(userId, lessonId, () => Promise.resolve(false));
  }

  /** The rooms of the lessons (joined here) whose bench is this agent: trainers and enrolled trainees, whatever their organisation. */
  benchRooms(agentId: string): string[] {
    return [...(this.benches.get(agentId) ?? [])].map(lessonRoom);
  }

  /** The lesson's bench now: its agent, the streams' history and the demonstration job; null without a bench. */
  async bench(a: Admitted): Promise<LessonBenchLive | null> {
    const { agent_id: agentId, procedure_id: procedureId } = a.lesson;
    return agentId === null || procedureId === null ? null : this.ctx.ports.bench(agentId, procedureId);
  }

  /** A trainer mutes or unmutes the chat of every enrolled trainee (the lesson's audio is each sender's own). */
  async muteAll(a: Admitted, muted: boolean, now = Date.now()): Promise<string[]> {
    this.ctx.trainerOnly(a, muted ? "mute every trainee" : "unmute every trainee");
    for (const t of await this.ctx.courses.enrolments(a.course.id)) await this.ctx.live.mute(a.lesson.id, t.userId, muted, a.person.userId, now);
    const list = await this.ctx.live.muted(a.lesson.id);
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:muted", { lessonId: a.lesson.id, muted: list });
    return list;
  }

  /**
   * A trainer brings an enrolled trainee on stage (their hand, the question taken, goes down), or
   * nobody: the trainee's page asks a new ticket and sends; a former one's sending is kicked.
   */
  async setStage(a: Admitted, userId: string | null): Promise<string | null> {
    this.ctx.trainerOnly(a, userId ? "bring a trainee on stage" : "clear the stage");
    if (userId !== null && !(await this.ctx.courses.isEnrolled(a.course.id, userId))) {
      throw new TelecalError("TC_ERR_COURSE_PEOPLE", { part: "trainee", usernames: userId, reason: "is not enrolled in the course" });
    }
    this.ctx.ports.stage.set(a.lesson.id, userId);
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:stage", { lessonId: a.lesson.id, stage: userId });
    if (userId !== null) {
      await this.ctx.live.lower(a.lesson.id, userId);
      await this.tellHands(a);
    }
    return userId;
  }

  private async tellHands(a: Admitted): Promise<HandRaised[]> {
    const hands = await this.ctx.live.hands(a.lesson.id);
    this.ctx.broadcast(lessonRoom(a.lesson.id), "lesson:hands", { lessonId: a.lesson.id, hands });
    return hands;
  }

  private serial<T>(lessonId: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(lessonId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(lessonId, tail);
    void tail.then(() => this.chains.get(lessonId) === tail && this.chains.delete(lessonId));
    return run;
  }
}
