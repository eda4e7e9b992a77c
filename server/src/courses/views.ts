import type { Course, CoursePerson, Lesson } from "@telecal/protocols";
import type { CoursePart } from "./access";
import type { CoursesTable, LessonsTable } from "./schema";

export function lessonView(row: LessonsTable): Lesson {
  return {
    id: row.id,
    courseId: row.course_id,
    title: row.title,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    bench: row.agent_id !== null && row.procedure_id !== null ? { agentId: row.agent_id, procedureId: row.procedure_id } : null,
  };
}

/** A course as `part` sees it: its trainers alone get the invite code. */
export function courseView(row: CoursesTable, part: CoursePart, trainers: CoursePerson[], lessons: LessonsTable[], traineeCount: number): Course {
  return {
    id: row.id,
    organisationId: row.organisation_id,
    title: row.title,
    description: row.description,
    trainers,
    lessons: lessons.map(lessonView),
    traineeCount,
    criteria: row.pass_presence_percent === null || row.pass_score_percent === null ? null : { presencePercent: row.pass_presence_percent, scorePercent: row.pass_score_percent },
    as: part,
    ...(part === "trainer" ? { inviteCode: row.invite_code } : {}),
  };
}
