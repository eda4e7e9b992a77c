import type { Course, Lesson } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";
import { DEMO_AGENT } from "./demo-lab";
import { DEMO_TRAINEES } from "./demo-users";

/** How long the demo lesson lasts from start: time enough to try hands, quizzes and attendance. */
const DEMO_LESSON_MS = 2 * 3_600_000;

/**
 * The demo course, made by the demo trainer through the REST API as the course page would: one
 * lesson from now on the demo bench (the DC voltage procedure), with `trainee` and trainee1..5 enrolled.
 */
export async function createDemoCourse(server: TelecalServer, trainerToken: string, now = Date.now()): Promise<{ course: Course; lesson: Lesson }> {
  const call = async <T>(url: string, payload: object): Promise<T> => {
    const res = await server.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${trainerToken}` }, payload });
    if (res.statusCode >= 300) throw new Error(`trainer POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
  const course = await call<Course>("/api/courses", {
    title: "演示课程：数字多用表直流电压校准 Demo course: DMM DC voltage calibration",
    description: "JJF 1587 演示台 demo bench: 5522A 校准器 calibrator, 34465A 数字多用表 DMM",
  });
  const lesson = await call<Lesson>(`/api/courses/${course.id}/lessons`, {
    title: "第一课：直流电压 10 V 点 Lesson 1: DC voltage at 10 V",
    startsAt: now,
    endsAt: now + DEMO_LESSON_MS,
    bench: { agentId: DEMO_AGENT.id, procedureId: "dmm-dcv-jjf1587" },
  });
  await call(`/api/courses/${course.id}/enrolments`, { usernames: ["trainee", ...DEMO_TRAINEES] });
  return { course, lesson };
}
