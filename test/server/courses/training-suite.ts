import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Course, IssuedTrainingCertificate, Lesson, Quiz, TrainingProgress, VerifyCertificateResponse } from "@telecal/protocols";
import { recordsDb, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../../../cli/run-cli";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { connectLessonClient, type LessonClient } from "../../fakes/lesson-client";
import { pdfText } from "../certificates/tools";

const TRAINEES = ["t1", "t2", "t3", "t4"] as const;
const NAMES: Record<string, string> = { t1: "张三", t2: "李四", t3: "王五", t4: "赵六" };

/**
 * 培训证明 on a real server: a course's criteria, a lesson held live on /ui (t1, t3 and t4 in the
 * room for all of it, t2 never; t1 and t4 answer the quiz right, t3 wrong), certificates refused
 * below the criteria and to those who may not issue, issued signed, verified through POST
 * /api/certificates/verify and the verify page, a tampered copy refused; the attendance PDF.
 */
export function trainingSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`training certificates on ${name}`, () => {
    let server: TelecalServer;
    const tokens: Record<string, string> = {};
    const clients: Record<string, LessonClient> = {};
    let course: Course;
    let lesson: Lesson;
    let issued: IssuedTrainingCertificate;

    const call = (who: string, method: "GET" | "POST" | "PUT", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const code = async (res: ReturnType<typeof call>) => {
      const r = await res;
      return `${r.statusCode} ${r.json<{ code?: string }>().code}`;
    };
    const ok = async <T>(res: ReturnType<typeof call>, status = 200): Promise<T> => {
      const r = await res;
      if (r.statusCode !== status) throw new Error(`expected ${status}, got ${r.statusCode} ${r.body}`);
      return r.json<T>();
    };
    const lessonOk = async <T extends object>(who: string, event: string, body: object = {}): Promise<T> => {
      const reply = await clients[who]!.ask<T>(event, { lessonId: lesson.id, ...body });
      if (!reply.ok) throw new Error(`${who} ${event}: ${reply.error.code} ${reply.error.message}`);
      return reply;
    };
    const verify = (pdf: Buffer) => server.app.inject({ method: "POST", url: "/api/certificates/verify", headers: { "content-type": "application/pdf" }, payload: pdf });
    const certificateCount = async () => Number((await server.store.db.selectFrom("certificates").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      const more: [string, string, "trainer" | "trainee"][] = [
        ...TRAINEES.map((t) => ["org-a", t, "trainee"] as [string, string, "trainee"]),
        ["org-a", "trainer-2", "trainer"],
        ["org-b", "trainer-b", "trainer"],
        ["org-b", "trainee-b", "trainee"],
      ];
      for (const [organisationId, username, role] of more) await server.store.auth.createUser({ organisationId, username, displayName: NAMES[username] ?? username, role, password: TEST_PASSWORD });
      for (const who of ["trainer", "trainer-2", "trainer-b", "trainee-b", "admin", "admin-b", "expert", ...TRAINEES]) tokens[who] = await login(server, who);
      course = await ok<Course>(call("trainer", "POST", "/api/courses", { title: "电学计量培训 Electrical metrology" }), 201);
      await ok(call("trainer", "POST", `/api/courses/${course.id}/enrolments`, { usernames: [...TRAINEES] }));
    });
    afterAll(async () => {
      for (const c of Object.values(clients)) c.close();
      await server?.close();
      await done();
    });

    it("stores the criteria a trainer of the course sets, as the course and as a record of the log", async () => {
      expect(course.criteria).toBeNull();
      expect(await code(call("trainer", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t1" }))).toBe("409 TC_ERR_TRAINING_NO_CRITERIA");
      expect(await code(call("trainer-2", "PUT", `/api/courses/${course.id}/criteria`, { presencePercent: 80, scorePercent: 60 }))).toBe("403 TC_ERR_COURSE_FORBIDDEN");
      expect(await code(call("t1", "PUT", `/api/courses/${course.id}/criteria`, { presencePercent: 0, scorePercent: 0 }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("trainer", "PUT", `/api/courses/${course.id}/criteria`, { presencePercent: 101, scorePercent: 60 }))).toBe("400 TC_ERR_VALIDATION");
      await ok<Course>(call("trainer", "PUT", `/api/courses/${course.id}/criteria`, { presencePercent: 50, scorePercent: 50 }));
      const set = await ok<Course>(call("trainer", "PUT", `/api/courses/${course.id}/criteria`, { presencePercent: 80, scorePercent: 60 }));
      expect(set.criteria).toEqual({ presencePercent: 80, scorePercent: 60 });
      expect((await ok<Course>(call("admin", "GET", `/api/courses/${course.id}`))).criteria).toEqual({ presencePercent: 80, scorePercent: 60 });
      const records = await recordsDb(server.store.db).selectFrom("records").select(["kind", "payload", "actor"]).where("stream", "=", `course/${course.id}`).orderBy("seq").execute();
      expect(records.map((r) => [r.kind, JSON.parse(r.payload) as unknown])).toEqual([
        ["course-change", { event: "criteria", course: course.id, presencePercent: 50, scorePercent: 50 }],
        ["course-change", { event: "criteria", course: course.id, presencePercent: 80, scorePercent: 60 }],
      ]);
    });

    it("holds a lesson: three trainees in the room from before its start to its end, one quiz", async () => {
      for (const who of ["trainer", "t1", "t3", "t4"]) clients[who] = await connectLessonClient(server.url, tokens[who]!);
      const start = Date.now() + 1500;
      lesson = await ok<Lesson>(call("trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "直流电压 DC voltage", startsAt: start, endsAt: start + 1500 }), 201);
      for (const who of ["trainer", "t1", "t3", "t4"]) await lessonOk(who, "lesson:join");
      const quiz = (await lessonOk<{ quiz: Quiz }>("trainer", "lesson:quiz-open", { question: "哪个是直流? Which is DC?", points: 2, key: { kind: "single", options: ["AC", "DC"], correct: 1 } })).quiz;
      for (const [who, choice] of [["t1", 1], ["t3", 0], ["t4", 1]] as const) await lessonOk(who, "lesson:quiz-answer", { quizId: quiz.id, response: { choices: [choice] } });
      await lessonOk("trainer", "lesson:quiz-close", { quizId: quiz.id });
      // Presence counts within the lesson's times: wait for its end, with those three still in the room.
      await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(lesson.endsAt), { timeout: 10_000, interval: 50 });
      const progress = await ok<TrainingProgress>(call("trainer", "GET", `/api/courses/${course.id}/training`));
      expect(progress.criteria).toEqual({ presencePercent: 80, scorePercent: 60 });
      expect(progress.rows.map((r) => [r.username, r.standing.presencePercent, r.standing.score, r.standing.maxScore, r.meets, r.certificate])).toEqual([
        ["t1", 100, 2, 2, { presence: true, score: true }, null],
        ["t2", 0, 0, 2, { presence: false, score: false }, null],
        ["t3", 100, 0, 2, { presence: true, score: false }, null],
        ["t4", 100, 2, 2, { presence: true, score: true }, null],
      ]);
    });

    it("refuses a trainee below a criterion, naming which, and stores nothing", async () => {
      const presence = await call("trainer", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t2" });
      expect(presence.statusCode).toBe(409);
      expect(presence.json<{ code: string; message: string }>()).toEqual({ code: "TC_ERR_TRAINING_NOT_MET", message: `t2 does not meet the 出勤率 presence criterion of course ${course.id}: 0 %, at least 80 % needed` });
      const score = await call("trainer", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t3" });
      expect(score.json<{ code: string; message: string }>()).toEqual({ code: "TC_ERR_TRAINING_NOT_MET", message: `t3 does not meet the 测验得分率 score criterion of course ${course.id}: 0 %, at least 60 % needed` });
      expect(await certificateCount()).toBe(0);
    });

    it("refuses those who may not issue, and a trainee not enrolled", async () => {
      const issue = (who: string, trainee = "t1") => code(call(who, "POST", `/api/courses/${course.id}/training-certificates`, { trainee }));
      expect(await issue("trainer-2")).toBe("403 TC_ERR_TRAINING_FORBIDDEN");
      expect(await issue("trainer-b")).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await issue("admin-b")).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await issue("t1")).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await issue("trainee-b")).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await issue("expert")).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await issue("trainer", "trainee-b")).toBe("404 TC_ERR_TRAINING_NOT_ENROLLED");
      expect(await code(call("trainer-b", "GET", `/api/courses/${course.id}/training`))).toBe("404 TC_ERR_COURSE_NOT_FOUND");
      expect(await certificateCount()).toBe(0);
    });

    it("issues a signed 培训证明 that the public check finds genuine, in Chinese and in English", async () => {
      issued = await ok<IssuedTrainingCertificate>(call("trainer", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t1" }), 201);
      const year = new Date().getUTCFullYear();
      expect(issued.certificate).toMatchObject({ kind: "training-certificate", status: "valid", number: `TC-${year}-000001`, trainee: "张三", course: "电学计量培训 Electrical metrology", organisation: "甲县计量站 County A", issuer: "trainer" });
      for (const file of [issued.pdf, issued.pdfEn]) {
        const res = await verify(Buffer.from(file, "base64"));
        expect(res.statusCode, res.body).toBe(200);
        const body = res.json<VerifyCertificateResponse>();
        expect(body).toMatchObject({ ok: true, verdict: "genuine", file: "pdf", key: { proof: "server", revokedAt: null }, certificate: { id: issued.certificate.id, kind: "training-certificate", status: "valid" } });
        expect(body).not.toHaveProperty("results");
      }
      const zh = pdfText(Buffer.from(issued.pdf, "base64"));
      for (const text of ["培训证明", "Training Certificate", "张三", "电学计量培训", "甲县计量站", issued.certificate.number, "出勤率 100 %", "2 / 2 (100 %)", "直流电压 DC voltage", "结业要求 Requirements 出勤率不低于 80 %，测验得分率不低于 60 %"]) expect(zh, text).toContain(text);
      expect(zh.replaceAll(" ", "")).toContain("第1页共2页");
      const en = pdfText(Buffer.from(issued.pdfEn, "base64"));
      for (const text of ["Training Certificate", "This is to certify that 张三", "presence of 100 %", "Requirements presence at least 80 %, score at least 60 %", "Page 2 of 2"]) expect(en, text).toContain(text);
      expect((await ok<{ kind: string; number: string }>(call("t1", "GET", `/api/certificates/${issued.certificate.id}`))).number).toBe(issued.certificate.number);
      const issuedRecord = await recordsDb(server.store.db).selectFrom("records").select(["kind", "payload"]).where("stream", "=", `certificate/${issued.certificate.id}`).executeTakeFirstOrThrow();
      expect(JSON.parse(issuedRecord.payload)).toMatchObject({ event: "issued", kind: "training-certificate", course: course.id, number: issued.certificate.number });
    });

    it("is checked by `telecal cert verify` as any certificate: unproven alone, genuine with --server", async () => {
      const file = join(mkdtempSync(join(tmpdir(), "telecal-training-pdf-")), `${issued.certificate.number}.pdf`);
      writeFileSync(file, Buffer.from(issued.pdf, "base64"));
      const certVerify = async (...args: string[]) => {
        let stdout = "";
        const code = await runCli(["cert", "verify", file, ...args], { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) });
        return { code, stdout };
      };
      expect((await certVerify()).code).toBe(4);
      const online = await certVerify("--server", server.url);
      expect(online.code, online.stdout).toBe(0);
      expect(online.stdout).toContain("真实 GENUINE");
    });

    it("shows it on the public verify page, found by id or by the number printed, with the genuine files to download", async () => {
      const page = await server.app.inject({ method: "GET", url: `/verify/${issued.certificate.id}` });
      expect(page.statusCode).toBe(200);
      for (const text of ["培训证明 Training Certificate", "张三", "电学计量培训 Electrical metrology", "出勤率 presence ≥ 80 %", 'data-status="valid"', "直流电压 DC voltage", `/api/certificates/${issued.certificate.id}/files/pdf`]) expect(page.body, text).toContain(text);
      expect(page.body).not.toContain("files/dcc");
      // Without the QR code: the number printed, entered on the page, finds the same page.
      const typed = await server.app.inject({ method: "GET", url: `/verify?number=${issued.certificate.number}` });
      expect([typed.statusCode, typed.headers["location"]]).toEqual([303, `/verify/${issued.certificate.number}`]);
      const byNumber = await server.app.inject({ method: "GET", url: `/verify/${issued.certificate.number}` });
      expect(byNumber.body).toContain(`<span id="trainee">张三</span>`);
      expect((await server.app.inject({ method: "GET", url: "/verify" })).body).toContain('id="by-number"');
      expect((await server.app.inject({ method: "GET", url: "/verify/TC-1999-000001" })).statusCode).toBe(404);
      const download = await server.app.inject({ method: "GET", url: `/api/certificates/${issued.certificate.id}/files/pdf` });
      expect(download.rawPayload.equals(Buffer.from(issued.pdf, "base64"))).toBe(true);
    });

    it("refuses a tampered copy (a changed byte, bytes appended); another trainee's, issued by an admin, is genuine", async () => {
      const genuine = Buffer.from(issued.pdf, "base64");
      const changed = Buffer.from(genuine);
      const at = changed.indexOf("/Title", 0, "latin1");
      changed[at + 10] = changed[at + 10]! ^ 0x01;
      expect(await codeOfVerify(changed)).toBe("422 TC_ERR_CERT_DIGEST");
      expect(await codeOfVerify(Buffer.concat([genuine, Buffer.from("\n% appended\n", "latin1")]))).toMatch(/TC_ERR_CERT_APPENDED$/);
      const other = await ok<IssuedTrainingCertificate>(call("admin", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t4" }), 201);
      expect(other.certificate).toMatchObject({ trainee: "赵六", issuer: "admin", number: issued.certificate.number.replace(/1$/, "2") });
      expect(await codeOfVerify(Buffer.from(other.pdf, "base64"))).toBe("200 undefined");
    });

    async function codeOfVerify(pdf: Buffer): Promise<string> {
      const r = await verify(pdf);
      return `${r.statusCode} ${r.json<{ code?: string }>().code}`;
    }

    it("refuses to issue twice for the same trainee and course", async () => {
      const again = await call("trainer", "POST", `/api/courses/${course.id}/training-certificates`, { trainee: "t1" });
      expect(again.statusCode).toBe(409);
      expect(again.json<{ code: string; message: string }>()).toEqual({ code: "TC_ERR_TRAINING_ISSUED", message: `t1 already has training certificate ${issued.certificate.number} of course ${course.id}` });
      expect(await certificateCount()).toBe(2);
      const progress = await ok<TrainingProgress>(call("admin", "GET", `/api/courses/${course.id}/training`));
      expect(progress.rows.filter((r) => r.certificate).map((r) => [r.username, r.certificate?.number])).toEqual([
        ["t1", issued.certificate.number],
        ["t4", issued.certificate.number.replace(/1$/, "2")],
      ]);
    });

    it("an admin of the organisation revokes one as any certificate; it is never amended into a calibration certificate", async () => {
      const t4 = (await ok<TrainingProgress>(call("admin", "GET", `/api/courses/${course.id}/training`))).rows.find((r) => r.username === "t4")!.certificate!;
      expect(await code(call("admin", "POST", "/api/certificates", { data: {}, replaces: t4.id }))).toBe("409 TC_ERR_CERT_STATE");
      expect(await code(call("admin-b", "POST", `/api/certificates/${t4.id}/revoke`, { reason: "x" }))).toBe("404 TC_ERR_CERT_NOT_FOUND");
      expect((await ok<{ status: string; kind: string }>(call("admin", "POST", `/api/certificates/${t4.id}/revoke`, { reason: "颁发有误 issued in error" }))).status).toBe("revoked");
      const file = await server.app.inject({ method: "GET", url: `/api/certificates/${t4.id}/files/pdf` });
      expect((await verify(file.rawPayload)).json<VerifyCertificateResponse>().certificate).toMatchObject({ kind: "training-certificate", status: "revoked", revoked: { reason: "颁发有误 issued in error" } });
      expect((await server.app.inject({ method: "GET", url: `/verify/${t4.id}` })).body).toContain('data-status="revoked"');
    });

    it("exports the lesson's attendance as a PDF with every trainee and Chinese and English headings", async () => {
      const res = await call("trainer", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance.pdf`);
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("application/pdf");
      expect(res.headers["content-disposition"]).toBe(`attachment; filename="attendance-${lesson.id}.pdf"`);
      const text = pdfText(res.rawPayload);
      for (const t of ["出勤记录 Attendance", "电学计量培训 Electrical metrology", "直流电压 DC voltage", "用户名 username", "姓名 name", "出勤率", "presence %", "测验得分", "quiz score", ...TRAINEES, ...Object.values(NAMES)]) expect(text, t).toContain(t);
      expect(await code(call("t1", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance.pdf`))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("trainer-2", "GET", `/api/courses/${course.id}/lessons/${lesson.id}/attendance.pdf`))).toBe("403 TC_ERR_COURSE_FORBIDDEN");
    });
  });
}
