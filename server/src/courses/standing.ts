import type { Attendance, AttendanceRow, CoursePerson, TrainingCriteria, TrainingStanding } from "@telecal/protocols";
import { lessonAttendance } from "./attendance";
import type { CourseRepository } from "./course-repository";
import type { LessonLiveRepository } from "./live-repository";
import type { QuizRepository } from "./quiz-repository";
import type { CoursesTable, LessonsTable } from "./schema";

export interface TraineeStanding {
  person: CoursePerson;
  standing: TrainingStanding;
  /** Presence % in each of the course's lessons, in their order. */
  lessons: number[];
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.min(100, Math.round((1000 * part) / whole) / 10) : 0);

/**
 * Each enrolled trainee's standing over the whole course: time present within every lesson's
 * scheduled times as a share of all of them, and quiz points as a share of the most possible.
 */
export async function courseStandings(
  stores: { courses: CourseRepository; live: LessonLiveRepository; quizzes: QuizRepository },
  course: CoursesTable,
  now = Date.now(),
): Promise<{ lessons: LessonsTable[]; rows: TraineeStanding[] }> {
  const lessons = await stores.courses.lessons(course.id);
  const attendances: Attendance[] = [];
  for (const lesson of lessons) attendances.push(await lessonAttendance(stores, course, lesson, now));
  const scheduled = lessons.reduce((sum, l) => sum + (l.ends_at - l.starts_at), 0);
  const people = (await stores.courses.enrolments(course.id)).map((e) => ({ userId: e.userId, username: e.username, displayName: e.displayName }));
  const rows = people.map((person) => {
    const theirs = attendances.map((a) => a.rows.find((r) => r.userId === person.userId)).filter((r): r is AttendanceRow => r !== undefined);
    const present = theirs.reduce((sum, r) => sum + r.presentMs, 0);
    const score = theirs.reduce((sum, r) => sum + r.score, 0);
    const maxScore = attendances.reduce((sum, a) => sum + (a.rows[0]?.maxScore ?? 0), 0);
    return {
      person,
      standing: { presencePercent: percent(present, scheduled), score, maxScore, scorePercent: maxScore > 0 ? percent(score, maxScore) : null },
      lessons: theirs.map((r) => r.presencePercent),
    };
  });
  return { lessons, rows };
}

/** What a standing meets of the criteria. A course whose quizzes are worth nothing meets only a score threshold of 0. */
export function meets(standing: TrainingStanding, criteria: TrainingCriteria): { presence: boolean; score: boolean } {
  return { presence: standing.presencePercent >= criteria.presencePercent, score: (standing.scorePercent ?? 0) >= criteria.scorePercent };
}
