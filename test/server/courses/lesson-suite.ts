import { type Attendance, type Course, type HandRaised, type Lesson, type LessonChatMessage, type LessonParticipant, type LessonState, lessonVideoKey, MEDIA_MESH_MAX_PEOPLE, type Quiz, type QuizAnswer } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { connectLessonClient, type LessonClient } from "../../fakes/lesson-client";
import { codeOf } from "../../fakes/ui-viewer";

const MINUTE = 60_000;
const TRAINEES = ["t1", "t2", "t3"] as const;

/**
 * A live lesson on /ui with a trainer and three trainees, each their own account and socket: who
 * may join, the hand queue in order, moderated chat, quizzes scored (numeric within tolerance),
 * and the attendance export with each trainee's join time. On SQLite and on PostgreSQL.
 */
export function lessonSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`a live lesson on ${name}`, () => {
    let server: TelecalServer;
    const tokens: Record<string, string> = {};
    const clients: Record<string, LessonClient> = {};
    const ids: Record<string, string> = {};
    const joinedBetween: Record<string, [number, number]> = {};
    let course: Course;
    let lesson: Lesson;
    let db: { databaseUrl?: string; dataDir?: string };
    const serve = () => startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...db, auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });

    const rest = async <T>(who: string, method: "GET" | "POST", url: string, payload?: object): Promise<T> => {
      const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url}: ${res.statusCode} ${res.body}`);
      return String(res.headers["content-type"] ?? "").includes("json") ? res.json<T>() : (res.body as T);
    };
    const ask = <T extends object>(who: string, event: string, body: object) => clients[who]!.ask<T>(event, { lessonId: lesson.id, ...body });
    const ok = async <T extends object>(who: string, event: string, body: object = {}): Promise<T> => {
      const reply = await ask<T>(who, event, body);
      if (!reply.ok) throw new Error(`${who} ${event}: ${reply.error.code} ${reply.error.message}`);
      return reply;
    };
    const queue = (hands: HandRaised[]) => hands.map((h) => h.username);

    beforeAll(async () => {
      db = await database();
      server = await serve();
      await seedUsers(server);
      for (const username of [...TRAINEES, "outsider"]) {
        const user = await server.store.auth.createUser({ organisationId: "org-a", username, displayName: `学员 ${username}`, role: "trainee", password: TEST_PASSWORD });
        ids[username] = user.id;
      }
      for (const who of ["trainer", ...TRAINEES, "outsider"]) tokens[who] = await login(server, who);
      course = await rest<Course>("trainer", "POST", "/api/courses", { title: "电学计量 Electrical metrology" });
      const now = Date.now();
      lesson = await rest<Lesson>("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "直流电压 DC voltage", startsAt: now - MINUTE, endsAt: now + 59 * MINUTE });
      await rest("trainer", "POST", `/api/courses/${course.id}/enrolments`, { usernames: [...TRAINEES] });
      for (const who of ["trainer", ...TRAINEES, "outsider"]) clients[who] = await connectLessonClient(server.url, tokens[who]!);
    });
    afterAll(async () => {
      for (const c of Object.values(clients)) c.close();
      await server?.close();
      await done();
    });

    it("lets in the course's trainer and its enrolled trainees, and refuses a trainee who is not enrolled", async () => {
      expect(codeOf(await ask("outsider", "lesson:join", {}))).toBe("TC_ERR_LESSON_NOT_ENROLLED");
      expect(codeOf(await ask("outsider", "lesson:hand", { raised: true }))).toBe("TC_ERR_LESSON_NOT_JOINED");
      expect(codeOf(await ask("t1", "lesson:chat", { text: "早" }))).toBe("TC_ERR_LESSON_NOT_JOINED");
      expect(codeOf(await clients["t1"]!.ask("lesson:join", { lessonId: "no-such-lesson" }))).toBe("TC_ERR_LESSON_NOT_FOUND");
      const trainer = await ok<{ state: LessonState }>("trainer", "lesson:join");
      expect(trainer.state).toMatchObject({ part: "trainer", courseTitle: course.title, quizzes: [], hands: [] });
      for (const who of TRAINEES) {
        const before = Date.now();
        const { state } = await ok<{ state: LessonState }>(who, "lesson:join");
        joinedBetween[who] = [before, Date.now()];
        expect(state.part).toBe("trainee");
      }
      const present = await clients["trainer"]!.waitFor<{ present: LessonParticipant[] }>("lesson:presence", (m) => m.present.length === 4, "the trainer and three trainees present");
      expect(present.present.map((p) => [p.username, p.part])).toEqual([["trainer", "trainer"], ["t1", "trainee"], ["t2", "trainee"], ["t3", "trainee"]]);
      // The outsider's socket never heard anything of the lesson; trainees are not sent the list.
      expect(clients["outsider"]!.events).toEqual([]);
      for (const who of TRAINEES) expect(clients[who]!.events.filter((e) => e.event === "lesson:presence"), who).toEqual([]);
    });

    it("opens the lesson's video to its trainer and enrolled trainees only (without Janus: the mesh's note)", async () => {
      const ticket = (who: string, key: string) => server.app.inject({ method: "POST", url: `/api/media/rooms/${encodeURIComponent(key)}/ticket`, headers: { authorization: `Bearer ${tokens[who]}` } });
      // A stranger's ask opens no room, whatever the key.
      const outsider = await ticket("outsider", lessonVideoKey(lesson.id));
      expect([outsider.statusCode, outsider.json<{ code: string }>().code]).toEqual([403, "TC_ERR_MEDIA_REFUSED"]);
      expect(server.media.has(lessonVideoKey(lesson.id))).toBe(false);
      const unknown = await ticket("t1", lessonVideoKey("no-such-lesson"));
      expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([403, "TC_ERR_MEDIA_REFUSED"]);
      const other = await ticket("t1", "not-a-lesson");
      expect([other.statusCode, other.json<{ code: string }>().code]).toEqual([404, "TC_ERR_MEDIA_NO_ROOM"]);
      for (const who of ["trainer", ...TRAINEES]) {
        const res = await ticket(who, lessonVideoKey(lesson.id));
        expect([who, res.statusCode, res.json()]).toEqual([who, 200, { mode: "mesh", maxPeople: MEDIA_MESH_MAX_PEOPLE }]);
      }
      // Once open, the room still asks the lesson at every ticket.
      expect((await ticket("outsider", lessonVideoKey(lesson.id))).statusCode).toBe(403);
    });

    it("keeps raised hands in the order they went up; the trainer lowers one, a trainee their own", async () => {
      for (const who of ["t2", "t1", "t3"]) await ok(who, "lesson:hand", { raised: true });
      // Raised again: keeps its place.
      await ok("t2", "lesson:hand", { raised: true });
      const seen = await clients["trainer"]!.waitFor<{ hands: HandRaised[] }>("lesson:hands", (m) => m.hands.length === 3, "three hands up");
      expect(queue(seen.hands)).toEqual(["t2", "t1", "t3"]);
      expect(codeOf(await ask("t2", "lesson:hand-lower", { userId: ids["t1"] }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      expect(queue((await ok<{ hands: HandRaised[] }>("trainer", "lesson:hand-lower", { userId: ids["t1"] })).hands)).toEqual(["t2", "t3"]);
      expect(queue((await ok<{ hands: HandRaised[] }>("t2", "lesson:hand", { raised: false })).hands)).toEqual(["t3"]);
      await clients["t3"]!.waitFor<{ hands: HandRaised[] }>("lesson:hands", (m) => queue(m.hands).join() === "t3", "the queue down to t3");
    });

    it("moderates chat: the trainer deletes a message for everyone and mutes a trainee", async () => {
      const { message } = await ok<{ message: LessonChatMessage }>("t1", "lesson:chat", { text: "广告 spam" });
      await clients["t2"]!.waitFor<LessonChatMessage>("lesson:chat", (m) => m.id === message.id, "t1's message");
      expect(codeOf(await ask("t2", "lesson:chat-delete", { messageId: message.id }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      await ok("trainer", "lesson:chat-delete", { messageId: message.id });
      await clients["t2"]!.waitFor<{ messageId: string }>("lesson:chat-deleted", (m) => m.messageId === message.id, "the message deleted");
      expect(codeOf(await ask("trainer", "lesson:chat-delete", { messageId: message.id }))).toBe("TC_ERR_LESSON_MESSAGE_NOT_FOUND");

      expect(codeOf(await ask("t1", "lesson:mute", { userId: ids["t3"], muted: true }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      expect((await ok<{ muted: string[] }>("trainer", "lesson:mute", { userId: ids["t3"], muted: true })).muted).toEqual([ids["t3"]]);
      expect(codeOf(await ask("t3", "lesson:chat", { text: "我有问题" }))).toBe("TC_ERR_LESSON_MUTED");
      await ok("t3", "lesson:hand", { raised: true });
      await ok("trainer", "lesson:mute", { userId: ids["t3"], muted: false });
      const kept = await ok<{ message: LessonChatMessage }>("t3", "lesson:chat", { text: "谢谢 thanks" });
      // A late joiner's state has the kept message, not the deleted one.
      const { state } = await ok<{ state: LessonState }>("t2", "lesson:join");
      expect(state.chat.map((m) => m.id)).toEqual([kept.message.id]);
      expect(state.muted).toEqual([]);
    });

    it("scores quizzes per trainee, a numeric answer within its tolerance; answers reach the trainer only", async () => {
      const single = (await ok<{ quiz: Quiz }>("trainer", "lesson:quiz-open", { question: "哪个是直流? Which is DC?", key: { kind: "single", options: ["AC", "DC"], correct: 1 } })).quiz;
      const multiple = (await ok<{ quiz: Quiz }>("trainer", "lesson:quiz-open", { question: "哪些是标准器?", key: { kind: "multiple", options: ["5522A", "34465A", "1524"], correct: [0, 2] } })).quiz;
      const numeric = (await ok<{ quiz: Quiz }>("trainer", "lesson:quiz-open", { question: "读数? Read the DMM", points: 2, key: { kind: "numeric", value: 10, tolerance: 0.05, unit: "V" } })).quiz;
      expect(codeOf(await ask("trainer", "lesson:quiz-open", { question: "x", key: { kind: "single", options: ["a", "b"], correct: 2 } }))).toBe("TC_ERR_VALIDATION");
      expect(codeOf(await ask("t1", "lesson:quiz-open", { question: "x", key: { kind: "single", options: ["a", "b"], correct: 0 } }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      const seenByTrainee = await clients["t1"]!.waitFor<Quiz>("lesson:quiz", (q) => q.id === numeric.id, "the numeric quiz");
      expect(seenByTrainee).toMatchObject({ status: "open", key: null, unit: "V" });
      expect((await clients["trainer"]!.waitFor<Quiz>("lesson:quiz", (q) => q.id === numeric.id, "the numeric quiz")).key).toEqual({ kind: "numeric", value: 10, tolerance: 0.05, unit: "V" });

      const answers: [string, string, object][] = [
        ["t1", single.id, { choices: [1] }],
        ["t2", single.id, { choices: [0] }],
        ["t1", multiple.id, { choices: [0, 2] }],
        ["t2", multiple.id, { choices: [0] }],
        ["t3", multiple.id, { choices: [2, 0] }],
        ["t1", numeric.id, { value: 10.04 }],
        ["t2", numeric.id, { value: 9.95 }],
        ["t3", numeric.id, { value: 10.06 }],
      ];
      for (const [who, quizId, response] of answers) {
        // Taken, not marked: a trainee could otherwise try answers until one is right.
        expect((await ok<{ answer: QuizAnswer }>(who, "lesson:quiz-answer", { quizId, response })).answer).toMatchObject({ correct: null, score: null });
      }
      const before = await ok<{ state: LessonState }>("t1", "lesson:join");
      expect(before.state.answers.map((a) => a.correct)).toEqual([null, null, null]);
      expect(before.state.scores).toEqual([expect.objectContaining({ score: 0, maxScore: 0, answered: 0 })]);
      expect(codeOf(await ask("t3", "lesson:quiz-answer", { quizId: numeric.id, response: { choices: [0] } }))).toBe("TC_ERR_QUIZ_ANSWER");
      expect(codeOf(await ask("t3", "lesson:quiz-answer", { quizId: single.id, response: { choices: [0, 1] } }))).toBe("TC_ERR_QUIZ_ANSWER");
      expect(codeOf(await ask("trainer", "lesson:quiz-answer", { quizId: single.id, response: { choices: [1] } }))).toBe("TC_ERR_QUIZ_ANSWER");
      const live = clients["trainer"]!;
      await live.waitFor<QuizAnswer>("lesson:answer", (a) => a.quizId === numeric.id && a.user.username === "t3", "t3's numeric answer");
      const got = live.events.filter((e) => e.event === "lesson:answer").map((e) => e.body as QuizAnswer);
      expect(got.map((a) => [a.user.username, a.quizId, a.correct, a.score])).toEqual([
        ["t1", single.id, true, 1],
        ["t2", single.id, false, 0],
        ["t1", multiple.id, true, 1],
        ["t2", multiple.id, false, 0],
        ["t3", multiple.id, true, 1],
        ["t1", numeric.id, true, 2],
        ["t2", numeric.id, true, 2],
        ["t3", numeric.id, false, 0],
      ]);

      for (const quiz of [single, multiple, numeric]) await ok("trainer", "lesson:quiz-close", { quizId: quiz.id });
      const closed = await clients["t3"]!.waitFor<Quiz>("lesson:quiz", (q) => q.id === numeric.id && q.status === "closed", "the numeric quiz closed");
      expect(closed.key).toEqual({ kind: "numeric", value: 10, tolerance: 0.05, unit: "V" });
      expect(codeOf(await ask("t3", "lesson:quiz-answer", { quizId: numeric.id, response: { value: 10 } }))).toBe("TC_ERR_QUIZ_CLOSED");
      // Everything sent to the trainees before the close came first: not one answer among it.
      for (const who of TRAINEES) expect(clients[who]!.events.filter((e) => e.event === "lesson:answer"), who).toEqual([]);

      const { state } = await ok<{ state: LessonState }>("trainer", "lesson:join");
      expect(state.scores.map((s) => [s.username, s.score, s.maxScore, s.answered])).toEqual([
        ["t1", 4, 4, 3],
        ["t2", 2, 4, 3],
        ["t3", 1, 4, 2],
      ]);
      const own = await ok<{ state: LessonState }>("t2", "lesson:join");
      expect(own.state.scores).toEqual([expect.objectContaining({ username: "t2", score: 2 })]);
      expect(own.state.answers.every((a) => a.user.username === "t2")).toBe(true);
    });

    it("exports attendance: three trainees with their join times, leaves, presence and scores, as CSV for Excel", async () => {
      const leftFrom = Date.now();
      await ok("t3", "lesson:leave");
      clients["t1"]!.close();
      await clients["trainer"]!.waitFor<{ present: LessonParticipant[] }>("lesson:presence", (m) => m.present.map((p) => p.username).join() === "trainer,t2", "t1 and t3 gone");
      const attendance = await rest<Attendance>("trainer", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance`);
      expect(attendance.rows.map((r) => r.username)).toEqual(["t1", "t2", "t3"]);
      for (const r of attendance.rows) {
        const [from, to] = joinedBetween[r.username]!;
        expect(r.firstJoin, r.username).toBeGreaterThanOrEqual(from);
        expect(r.firstJoin, r.username).toBeLessThanOrEqual(to);
        expect(r.presencePercent).toBeGreaterThanOrEqual(0);
        expect(r.presencePercent).toBeLessThan(100);
      }
      const [t1, t2, t3] = attendance.rows;
      expect(t1!.lastLeave).toBeGreaterThanOrEqual(leftFrom);
      expect(t3!.lastLeave).toBeGreaterThanOrEqual(leftFrom);
      expect(t2!.stints).toEqual([[t2!.firstJoin, null]]);
      expect(attendance.rows.map((r) => [r.score, r.maxScore])).toEqual([[4, 4], [2, 4], [1, 4]]);

      const csv = await rest<string>("trainer", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance.csv`);
      expect(csv.startsWith("\uFEFF用户名 username,姓名 name,首次进入 first join (UTC)")).toBe(true);
      const lines = csv.slice(1).trimEnd().split("\r\n");
      expect(lines).toHaveLength(4);
      for (const [i, r] of attendance.rows.entries()) {
        const cells = lines[i + 1]!.split(",");
        expect(cells.slice(0, 3)).toEqual([r.username, `学员 ${r.username}`, new Date(r.firstJoin!).toISOString()]);
        expect(cells.slice(6, 8)).toEqual([String(r.score), "4"]);
      }
      expect(lines[2]!.split(",")[3]).toBe("");
      const refused = await server.app.inject({ method: "GET", url: `/api/courses/${course.id}/lessons/${lesson.id}/attendance.csv`, headers: { authorization: `Bearer ${tokens["t2"]}` } });
      expect([refused.statusCode, refused.json<{ code: string }>().code]).toEqual([403, "TC_ERR_AUTH_FORBIDDEN"]);
    });

    it("a server that stops ends the stints of those still in the room, and keeps everything said", async () => {
      const stopping = Date.now();
      await server.close();
      for (const who of ["trainer", "t2"]) clients[who]!.close();
      server = await serve();
      for (const who of ["trainer", "t2"]) tokens[who] = await login(server, who);
      const attendance = await rest<Attendance>("trainer", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance`);
      const t2 = attendance.rows.find((r) => r.username === "t2")!;
      expect(t2.stints).toHaveLength(1);
      expect(t2.lastLeave).toBeGreaterThanOrEqual(stopping);
      clients["trainer"] = await connectLessonClient(server.url, tokens["trainer"]!);
      const { state } = await ok<{ state: LessonState }>("trainer", "lesson:join");
      expect(state.present.map((p) => p.username)).toEqual(["trainer"]);
      expect(state.quizzes).toHaveLength(3);
      expect(state.chat).toHaveLength(1);
    });
  });
}
