import type { Course, EnrolResult, Lesson } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";

const HOUR = 3_600_000;

/**
 * Courses over REST on a real server: who may create, read and run a course (its trainers, a
 * trainer of another organisation, a trainee enrolled or not), lessons on a bench, enrolment one
 * by one, by CSV and by invite code. `database` gives a database URL (PostgreSQL) or a data dir.
 */
export function coursesSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`courses on ${name}`, () => {
    let server: TelecalServer;
    const tokens: Record<string, string> = {};
    let course: Course;

    const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const code = async (res: Promise<{ statusCode: number; json: () => unknown }>) => {
      const r = await res;
      return `${r.statusCode} ${(r.json() as { code?: string }).code}`;
    };
    const ok = async <T>(res: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<T> => {
      const r = await res;
      if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode} ${r.body}`);
      return r.json() as T;
    };

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      const more: [string, string, "trainer" | "trainee"][] = [
        ["org-a", "trainer-2", "trainer"],
        ["org-a", "trainee-2", "trainee"],
        ["org-a", "trainee-3", "trainee"],
        ["org-b", "trainer-b", "trainer"],
        ["org-b", "trainee-b", "trainee"],
      ];
      for (const [organisationId, username, role] of more) await server.store.auth.createUser({ organisationId, username, displayName: username, role, password: TEST_PASSWORD });
      for (const who of ["trainer", "trainer-2", "trainer-b", "trainee", "trainee-2", "trainee-3", "trainee-b", "technician", "expert", "admin"]) tokens[who] = await login(server, who);
      await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
      await server.store.auth.issueAgentCredential("bench-b", "Bench B", "org-b", null);
      course = await ok<Course>(call("trainer", "POST", "/api/courses", { title: "数字多用表校准 DMM calibration", description: "JJF 1587" }), 201);
    });
    afterAll(async () => {
      await server?.close();
      await done();
    });

    it("a trainer creates a course and is its trainer; other roles may not create one", async () => {
      expect(course).toMatchObject({ organisationId: "org-a", as: "trainer", traineeCount: 0, inviteCode: null, lessons: [] });
      expect(course.trainers.map((t) => t.username)).toEqual(["trainer"]);
      for (const who of ["technician", "expert", "trainee", "admin"]) {
        expect(await code(call(who, "POST", "/api/courses", { title: "x" })), who).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      }
      expect(await code(call("trainer", "POST", "/api/courses", { title: "x", trainers: ["trainer-b"] }))).toBe("400 TC_ERR_COURSE_PEOPLE");
      expect(await code(call("technician", "GET", "/api/courses"))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
    });

    it("its trainer adds lessons, bound to a bench of the organisation or to none", async () => {
      const now = Date.now();
      const lesson = await ok<Lesson>(
        call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "第一课 直流电压", startsAt: now, endsAt: now + HOUR, bench: { agentId: "bench-a", procedureId: "dmm-dcv-jjf1587" } }),
        201,
      );
      expect(lesson).toMatchObject({ courseId: course.id, bench: { agentId: "bench-a", procedureId: "dmm-dcv-jjf1587" } });
      await ok<Lesson>(call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "第二课", startsAt: now + 2 * HOUR, endsAt: now + 3 * HOUR }), 201);
      expect(await code(call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: now, endsAt: now + 1, bench: { agentId: "bench-b", procedureId: "dmm-dcv-jjf1587" } }))).toBe("400 TC_ERR_LESSON_BENCH");
      expect(await code(call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: now, endsAt: now + 1, bench: { agentId: "bench-a", procedureId: "no-such" } }))).toBe("400 TC_ERR_LESSON_BENCH");
      expect(await code(call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: now, endsAt: now - 1 }))).toBe("400 TC_ERR_VALIDATION");
      const read = await ok<Course>(call("trainer", "GET", `/api/courses/${course.id}`));
      expect(read.lessons.map((l) => l.title)).toEqual(["第一课 直流电压", "第二课"]);
    });

    it("a trainer of another organisation does not see the course at all", async () => {
      expect(await code(call("trainer-b", "GET", `/api/courses/${course.id}`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await code(call("trainer-b", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: 0, endsAt: 1 }))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await code(call("trainer-b", "POST", `/api/courses/${course.id}/enrolments`, { usernames: ["trainee-b"] }))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await code(call("trainer-b", "POST", `/api/courses/${course.id}/invite-code`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect((await ok<{ courses: Course[] }>(call("trainer-b", "GET", "/api/courses"))).courses).toEqual([]);
    });

    it("another trainer of the organisation reads it but does not run it", async () => {
      const read = await ok<Course>(call("trainer-2", "GET", `/api/courses/${course.id}`));
      expect(read.as).toBe("reader");
      expect(read).not.toHaveProperty("inviteCode");
      expect(await code(call("trainer-2", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: 0, endsAt: 1 }))).toBe("403 TC_ERR_COURSE_FORBIDDEN");
      expect(await code(call("trainer-2", "GET", `/api/courses/${course.id}/enrolments`))).toBe("403 TC_ERR_COURSE_FORBIDDEN");
    });

    it("a trainee sees a course only once enrolled, and never runs it", async () => {
      expect(await code(call("trainee", "GET", `/api/courses/${course.id}`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect((await ok<{ courses: Course[] }>(call("trainee", "GET", "/api/courses"))).courses).toEqual([]);
      expect(await ok<EnrolResult>(call("trainer", "POST", `/api/courses/${course.id}/enrolments`, { usernames: ["trainee"] }))).toEqual({ enrolled: ["trainee"], already: [] });
      const seen = await ok<Course>(call("trainee", "GET", `/api/courses/${course.id}`));
      expect(seen).toMatchObject({ id: course.id, as: "trainee", traineeCount: 1 });
      expect(seen).not.toHaveProperty("inviteCode");
      expect((await ok<{ courses: Course[] }>(call("trainee", "GET", "/api/courses"))).courses.map((c) => c.id)).toEqual([course.id]);
      expect(await code(call("trainee", "POST", `/api/courses/${course.id}/lessons`, { title: "x", startsAt: 0, endsAt: 1 }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("trainee", "GET", `/api/courses/${course.id}/enrolments`))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("trainee-2", "GET", `/api/courses/${course.id}`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
    });

    it("enrols by a CSV of usernames, all or none, naming every refused name", async () => {
      const bad = await call("trainer", "POST", `/api/courses/${course.id}/enrolments`, { csv: "username\ntrainee-2\nnobody\ntechnician\ntrainee-b\n" });
      expect(bad.statusCode).toBe(400);
      const body = bad.json<{ code: string; message: string }>();
      expect(body.code).toBe("TC_ERR_COURSE_PEOPLE");
      expect(body.message).toContain("nobody, technician, trainee-b");
      expect(await code(call("trainee-2", "GET", `/api/courses/${course.id}`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      const csv = "\uFEFF用户名,姓名\r\ntrainee-2,学员二\r\n\"trainee-3\",学员三\r\ntrainee,学员\r\n";
      expect(await ok<EnrolResult>(call("trainer", "POST", `/api/courses/${course.id}/enrolments`, { csv }))).toEqual({ enrolled: ["trainee-2", "trainee-3"], already: ["trainee"] });
      const list = await ok<{ enrolments: { username: string; via: string }[] }>(call("trainer", "GET", `/api/courses/${course.id}/enrolments`));
      expect(list.enrolments.map((e) => [e.username, e.via])).toEqual([["trainee", "trainer"], ["trainee-2", "csv"], ["trainee-3", "csv"]]);
    });

    it("a trainee of any organisation joins with the current invite code, not an old one", async () => {
      expect(await code(call("trainee-b", "POST", "/api/courses/join", { code: "ABCDEFGH" }))).toBe("404 TC_ERR_COURSE_INVITE_CODE");
      const first = await ok<{ code: string }>(call("trainer", "POST", `/api/courses/${course.id}/invite-code`));
      const second = await ok<{ code: string }>(call("trainer", "POST", `/api/courses/${course.id}/invite-code`));
      expect(second.code).not.toBe(first.code);
      expect((await ok<Course>(call("trainer", "GET", `/api/courses/${course.id}`))).inviteCode).toBe(second.code);
      expect(await code(call("trainee-b", "POST", "/api/courses/join", { code: first.code }))).toBe("404 TC_ERR_COURSE_INVITE_CODE");
      const typed = `${second.code.slice(0, 4).toLowerCase()}-${second.code.slice(4)}`;
      expect(await ok<Course>(call("trainee-b", "POST", "/api/courses/join", { code: typed }))).toMatchObject({ id: course.id, as: "trainee" });
      expect(await code(call("trainer-b", "POST", "/api/courses/join", { code: second.code }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect((await ok<Course>(call("trainee-b", "GET", `/api/courses/${course.id}`))).traineeCount).toBe(4);
    });
  });
}
