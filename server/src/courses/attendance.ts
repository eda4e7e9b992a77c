import type { Attendance, AttendanceRow, CoursePerson } from "@telecal/protocols";
import type { CourseRepository } from "./course-repository";
import type { LessonLiveRepository } from "./live-repository";
import type { QuizRepository } from "./quiz-repository";
import { lessonScores } from "./scores";
import type { CoursesTable, LessonAttendanceTable, LessonsTable } from "./schema";
import { lessonView } from "./views";

/** Milliseconds of the stints inside [from, to]; a stint still open counts up to `now`. */
export function timeInside(stints: readonly LessonAttendanceTable[], from: number, to: number, now: number): number {
  let total = 0;
  for (const s of stints) {
    const start = Math.max(s.joined_at, from);
    const end = Math.min(s.left_at ?? now, to);
    if (end > start) total += end - start;
  }
  return total;
}

/**
 * Each enrolled trainee's attendance of a lesson, those who never came included: their stints in
 * the room, the share of the lesson's scheduled time they were there, and their quiz score.
 */
export async function lessonAttendance(
  stores: { courses: CourseRepository; live: LessonLiveRepository; quizzes: QuizRepository },
  course: CoursesTable,
  lesson: LessonsTable,
  now = Date.now(),
): Promise<Attendance> {
  const trainees: CoursePerson[] = (await stores.courses.enrolments(course.id)).map((e) => ({ userId: e.userId, username: e.username, displayName: e.displayName }));
  const stints = await stores.live.stints(lesson.id);
  const scores = lessonScores(trainees, await stores.quizzes.quizzes(lesson.id), await stores.quizzes.answers(lesson.id));
  const length = lesson.ends_at - lesson.starts_at;
  const rows: AttendanceRow[] = trainees.map((t, i) => {
    const theirs = stints.filter((s) => s.user_id === t.userId);
    const inside = timeInside(theirs, lesson.starts_at, lesson.ends_at, now);
    const last = theirs.at(-1);
    return {
      ...t,
      stints: theirs.map((s) => [s.joined_at, s.left_at] as [number, number | null]),
      firstJoin: theirs[0]?.joined_at ?? null,
      lastLeave: last ? last.left_at : null,
      presentMs: inside,
      presencePercent: length > 0 ? Math.min(100, Math.round((1000 * inside) / length) / 10) : 0,
      score: scores[i]!.score,
      maxScore: scores[i]!.maxScore,
    };
  });
  return { lesson: lessonView(lesson), courseTitle: course.title, rows };
}
