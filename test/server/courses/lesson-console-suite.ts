import { type Course, type HandRaised, type Lesson, type LessonState, lessonMeshId, lessonVideoKey, MEDIA_MESH_MAX_PEOPLE } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { connectLessonClient, type LessonClient } from "../../fakes/lesson-client";
import { codeOf } from "../../fakes/ui-viewer";

const MINUTE = 60_000;
const TRAINEES = ["s1", "s2", "s3"] as const;

/**
 * The trainer's console on /ui: the stage (one trainee sends beside the trainer), muting every
 * trainee at once, and taking a trainee out of the course (refused by REST and socket from then on).
 */
export function lessonConsoleSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`a lesson's trainer console on ${name}`, () => {
    let server: TelecalServer;
    const tokens: Record<string, string> = {};
    const clients: Record<string, LessonClient> = {};
    const ids: Record<string, string> = {};
    let course: Course;
    let lesson: Lesson;

    const rest = async <T>(who: string, method: "GET" | "POST" | "DELETE", url: string, payload?: object): Promise<T> => {
      const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
      if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url}: ${res.statusCode} ${res.body}`);
      return res.body === "" ? (undefined as T) : res.json<T>();
    };
    const ask = <T extends object>(who: string, event: string, body: object) => clients[who]!.ask<T>(event, { lessonId: lesson.id, ...body });
    const ok = async <T extends object>(who: string, event: string, body: object = {}): Promise<T> => {
      const reply = await ask<T>(who, event, body);
      if (!reply.ok) throw new Error(`${who} ${event}: ${reply.error.code} ${reply.error.message}`);
      return reply;
    };

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      for (const username of [...TRAINEES, "stranger"]) {
        ids[username] = (await server.store.auth.createUser({ organisationId: "org-a", username, displayName: `学员 ${username}`, role: "trainee", password: TEST_PASSWORD })).id;
      }
      for (const who of ["trainer", ...TRAINEES, "stranger", "admin", "admin-b"]) tokens[who] = await login(server, who);
      course = await rest<Course>("trainer", "POST", "/api/courses", { title: "压力计量 Pressure" });
      const now = Date.now();
      lesson = await rest<Lesson>("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "活塞式压力计 Piston gauges", startsAt: now - MINUTE, endsAt: now + 59 * MINUTE });
      await rest("trainer", "POST", `/api/courses/${course.id}/enrolments`, { usernames: [...TRAINEES] });
      for (const who of ["trainer", ...TRAINEES, "stranger"]) clients[who] = await connectLessonClient(server.url, tokens[who]!);
      for (const who of ["trainer", ...TRAINEES]) await ok(who, "lesson:join");
    });
    afterAll(async () => {
      for (const c of Object.values(clients)) c.close();
      await server?.close();
      await done();
    });

    it("brings an enrolled trainee on stage (their hand goes down) and off again; only a trainer may", async () => {
      await ok("s1", "lesson:hand", { raised: true });
      expect(codeOf(await ask("s2", "lesson:stage", { userId: ids["s2"] }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      expect(codeOf(await ask("trainer", "lesson:stage", { userId: ids["stranger"] }))).toBe("TC_ERR_COURSE_PEOPLE");
      expect(server.media.stageOf(lessonVideoKey(lesson.id))).toBeNull();

      expect((await ok<{ stage: string | null }>("trainer", "lesson:stage", { userId: ids["s1"] })).stage).toBe(ids["s1"]);
      await clients["s2"]!.waitFor<{ stage: string | null }>("lesson:stage", (m) => m.stage === ids["s1"], "s1 on stage");
      await clients["s1"]!.waitFor<{ hands: HandRaised[] }>("lesson:hands", (m) => m.hands.length === 0, "s1's hand down once on stage");
      // The video room was opened for it, and the next ticket of s1 is a sender's (media-room.ts roleOf).
      expect(server.media.stageOf(lessonVideoKey(lesson.id))).toBe(ids["s1"]);
      const { state } = await ok<{ state: LessonState }>("s2", "lesson:join");
      expect(state.stage).toBe(ids["s1"]);

      await ok("trainer", "lesson:stage", { userId: null });
      await clients["s1"]!.waitFor<{ stage: string | null }>("lesson:stage", (m) => m.stage === null, "the stage cleared");
      expect(server.media.stageOf(lessonVideoKey(lesson.id))).toBeNull();
    });

    it("mutes the chat of every enrolled trainee at once, and unmutes them", async () => {
      expect(codeOf(await ask("s1", "lesson:mute-all", { muted: true }))).toBe("TC_ERR_LESSON_TRAINER_ONLY");
      const { muted } = await ok<{ muted: string[] }>("trainer", "lesson:mute-all", { muted: true });
      expect([...muted].sort()).toEqual(TRAINEES.map((t) => ids[t]).sort());
      await clients["s2"]!.waitFor<{ muted: string[] }>("lesson:muted", (m) => m.muted.length === TRAINEES.length, "all muted");
      for (const who of TRAINEES) expect(codeOf(await ask(who, "lesson:chat", { text: "你好" }))).toBe("TC_ERR_LESSON_MUTED");
      // The trainer still speaks.
      await ok("trainer", "lesson:chat", { text: "请看示范 watch the demonstration" });
      expect((await ok<{ muted: string[] }>("trainer", "lesson:mute-all", { muted: false })).muted).toEqual([]);
      await ok("s1", "lesson:chat", { text: "明白 understood" });
    });

    it("without Janus, holds the lesson's mesh for its trainer and enrolled trainees, 4 tabs at most", async () => {
      const mesh = lessonMeshId(lesson.id);
      expect(codeOf(await clients["stranger"]!.ask("rtc-join", { jobId: mesh }))).toBe("TC_ERR_LESSON_NOT_ENROLLED");
      const joined: string[] = [];
      for (const who of ["trainer", ...TRAINEES]) {
        const reply = await clients[who]!.ask<{ peerId: string; peers: { user: { username: string } }[] }>("rtc-join", { jobId: mesh });
        if (!reply.ok) throw new Error(`${who} rtc-join: ${reply.error.code}`);
        expect(reply.peers.map((p) => p.user.username)).toEqual(joined);
        joined.push(who);
      }
      expect(joined.length).toBe(MEDIA_MESH_MAX_PEOPLE);
      // A fifth tab (the trainer's second) is told the mesh is full.
      const fifth = await connectLessonClient(server.url, tokens["trainer"]!);
      expect(codeOf(await fifth.ask("rtc-join", { jobId: mesh }))).toBe("TC_ERR_RTC_FULL");
      fifth.close();
      // A signal to a peer of another mesh is refused; the lesson's mesh is not a job's.
      expect(codeOf(await clients["stranger"]!.ask("rtc-signal", { jobId: mesh, to: "x", candidate: { candidate: "" } }))).toBe("TC_ERR_LESSON_NOT_ENROLLED");
      for (const who of ["trainer", ...TRAINEES]) expect(codeOf(await clients[who]!.viewer.ask("rtc-leave"))).toBe("ok");
    });

    it("takes a trainee out of the course: out of the lesson's room and stage at once, refused by REST and socket after", async () => {
      const remove = (who: string, userId: string) => server.app.inject({ method: "DELETE", url: `/api/courses/${course.id}/enrolments/${userId}`, headers: { authorization: `Bearer ${tokens[who]}` } });
      const status = async (res: Promise<{ statusCode: number; body: string }>) => {
        const r = await res;
        return [r.statusCode, r.body === "" ? "" : (JSON.parse(r.body) as { code: string }).code];
      };
      await ok("trainer", "lesson:stage", { userId: ids["s2"] });
      expect(await status(remove("s1", ids["s2"]!))).toEqual([403, "TC_ERR_AUTH_FORBIDDEN"]);
      expect(await status(remove("admin-b", ids["s2"]!))).toEqual([404, "TC_ERR_COURSE_NOT_FOUND"]);
      const from = clients["trainer"]!.events.length;
      expect(await status(remove("trainer", ids["s2"]!))).toEqual([204, ""]);
      // Out of the room (before the answer; the socket hears it a moment later), off the stage.
      await clients["s2"]!.waitFor<{ lessonId: string }>("lesson:removed", (m) => m.lessonId === lesson.id, "s2 told they are out");
      await clients["trainer"]!.waitFor<{ stage: string | null }>("lesson:stage", (m) => m.stage === null, "the stage cleared", from);
      expect(server.media.stageOf(lessonVideoKey(lesson.id))).toBeNull();
      expect(codeOf(await ask("s2", "lesson:chat", { text: "还在吗" }))).toBe("TC_ERR_LESSON_NOT_JOINED");
      expect(codeOf(await ask("s2", "lesson:join", {}))).toBe("TC_ERR_LESSON_NOT_ENROLLED");
      const seen = clients["s2"]!.events.length;
      await ok("trainer", "lesson:chat", { text: "继续 go on" });
      await clients["s1"]!.waitFor("lesson:chat", (m: { text: string }) => m.text === "继续 go on", "the trainer's message at s1");
      expect(clients["s2"]!.events.length).toBe(seen);
      const course404 = await server.app.inject({ method: "GET", url: `/api/courses/${course.id}`, headers: { authorization: `Bearer ${tokens["s2"]}` } });
      expect(course404.statusCode).toBe(404);
      const ticket = await server.app.inject({ method: "POST", url: `/api/media/rooms/${encodeURIComponent(lessonVideoKey(lesson.id))}/ticket`, headers: { authorization: `Bearer ${tokens["s2"]}` } });
      expect(ticket.statusCode).toBe(403);
      // Gone from the trainer's list; again is 404; an admin of the course's organisation may remove too.
      const { enrolments } = await rest<{ enrolments: { username: string }[] }>("trainer", "GET", `/api/courses/${course.id}/enrolments`);
      expect(enrolments.map((e) => e.username).sort()).toEqual(["s1", "s3"]);
      expect(await status(remove("trainer", ids["s2"]!))).toEqual([404, "TC_ERR_COURSE_NOT_ENROLLED"]);
      expect(await status(remove("admin", ids["s3"]!))).toEqual([204, ""]);
      expect(codeOf(await ask("s3", "lesson:hand", { raised: true }))).toBe("TC_ERR_LESSON_NOT_JOINED");
    });
  });
}
