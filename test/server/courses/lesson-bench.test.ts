import { type Course, type Lesson, type LessonBenchLive } from "@telecal/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AGENT, DEMO_ORGANISATION } from "../../../cli/demo-lab";
import { login, TEST_PASSWORD } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";
import { createDemoJob } from "../../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../../fakes/demo-stack";
import { connectLessonClient, type LessonClient } from "../../fakes/lesson-client";
import { codeOf } from "../../fakes/ui-viewer";

const MINUTE = 60_000;
const ELSEWHERE = "far-county";
const PROCEDURE = "dmm-dcv-jjf1587";

/**
 * A lesson's demonstration bench on /ui: an enrolled trainee of another organisation (joined with
 * the invite code) watches the bench's live values and the demonstration job's step through the
 * lesson, and nothing of it through another lesson without a bench, or without being enrolled.
 */
describe("a lesson's demonstration bench", () => {
  let stack: DemoStack;
  const tokens: Record<string, string> = {};
  const clients: Record<string, LessonClient> = {};
  let course: Course;
  let withBench: Lesson;
  let without: Lesson;

  const rest = async <T>(who: string, method: "GET" | "POST", url: string, payload?: object): Promise<T> => {
    const res = await stack.server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
  const ask = <T extends object>(who: string, event: string, lesson: Lesson) => clients[who]!.ask<T>(event, { lessonId: lesson.id });
  const benchOf = async (who: string, lesson: Lesson) => {
    const reply = await ask<{ bench: LessonBenchLive | null }>(who, "lesson:bench", lesson);
    if (!reply.ok) throw new Error(`${who} lesson:bench: ${reply.error.code}`);
    return reply.bench;
  };
  const livesOf = (who: string) => clients[who]!.viewer.live.filter((v) => v.agentId === DEMO_AGENT.id).length;

  beforeAll(async () => {
    stack = await startDemoStack();
    const { auth } = stack.server.store;
    await auth.createOrganisation(ELSEWHERE, "远方县计量站", "county-station");
    await auth.createUser({ organisationId: DEMO_ORGANISATION.id, username: "demo-trainer", displayName: "讲师", role: "trainer", password: TEST_PASSWORD });
    for (const username of ["far-trainee", "far-outsider", "far-other"]) {
      await auth.createUser({ organisationId: ELSEWHERE, username, displayName: username, role: "trainee", password: TEST_PASSWORD });
    }
    for (const who of ["demo-trainer", "far-trainee", "far-outsider", "far-other"]) tokens[who] = await login(stack.server, who);
    course = await rest<Course>("demo-trainer", "POST", "/api/courses", { title: "直流电压示范 DC voltage demonstration" });
    const now = Date.now();
    const times = { startsAt: now - MINUTE, endsAt: now + 59 * MINUTE };
    withBench = await rest<Lesson>("demo-trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "示范 bench", ...times, bench: { agentId: DEMO_AGENT.id, procedureId: PROCEDURE } });
    without = await rest<Lesson>("demo-trainer", "POST", `/api/courses/${course.id}/lessons`, { title: "讲授 talk", ...times });
    const { code } = await rest<{ code: string }>("demo-trainer", "POST", `/api/courses/${course.id}/invite-code`);
    for (const who of ["far-trainee", "far-other"]) await rest(who, "POST", "/api/courses/join", { code });
    for (const who of ["demo-trainer", "far-trainee", "far-outsider", "far-other"]) clients[who] = await connectLessonClient(stack.server.url, tokens[who]!);
  }, 60_000);
  afterAll(async () => {
    for (const c of Object.values(clients)) c.close();
    await stack?.close();
  });

  it("sends the bench's live values and its demonstration step to the lesson's room, and to nobody else of another organisation", async () => {
    // Of another organisation: nothing of the demo lab by the organisation rule.
    expect(clients["far-trainee"]!.viewer.snapshot.agents).toEqual([]);
    expect(codeOf(await ask("far-trainee", "lesson:bench", withBench))).toBe("TC_ERR_LESSON_NOT_JOINED");
    expect(codeOf(await ask("far-outsider", "lesson:join", withBench))).toBe("TC_ERR_LESSON_NOT_ENROLLED");
    for (const who of ["demo-trainer", "far-trainee"]) expect(codeOf(await ask(who, "lesson:join", withBench))).toBe("ok");
    // far-other is enrolled, but in the lesson without a bench only.
    expect(codeOf(await ask("far-other", "lesson:join", without))).toBe("ok");
    expect(await benchOf("far-other", without)).toBeNull();

    const bench = await benchOf("far-trainee", withBench);
    expect(bench).toMatchObject({ agentId: DEMO_AGENT.id, procedureId: PROCEDURE, job: null });
    expect(bench!.agent?.instruments.length).toBeGreaterThan(0);
    expect(Object.keys(bench!.history).every((k) => k.startsWith(`${DEMO_AGENT.id}:`))).toBe(true);
    await waitFor("the bench's live values at the enrolled trainee of another organisation", () => livesOf("far-trainee") > 5 || undefined);

    const job = await createDemoJob(stack);
    const step = await waitFor("the demonstration job on the bench", async () => (await benchOf("far-trainee", withBench))?.job ?? undefined);
    expect(step).toMatchObject({ id: job.id, status: job.status, steps: job.steps, procedure: { id: PROCEDURE } });

    // The trainee leaves: no more values.
    expect(codeOf(await ask("far-trainee", "lesson:leave", withBench))).toBe("ok");
    const after = livesOf("far-trainee");
    await waitFor("more live values at the trainer", () => livesOf("demo-trainer") > 20 || undefined);
    expect(livesOf("far-trainee")).toBe(after);
    expect(livesOf("far-other")).toBe(0);
    expect(livesOf("far-outsider")).toBe(0);
  });
});
