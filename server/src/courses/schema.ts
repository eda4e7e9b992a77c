/** The tables of migration 0015-courses, as Kysely sees them. Times are UTC milliseconds. */
export interface CoursesTable {
  id: string;
  organisation_id: string;
  title: string;
  description: string;
  invite_code: string | null;
  /** The training criteria (migration 0016), whole percent; both null until a trainer sets them. */
  pass_presence_percent: number | null;
  pass_score_percent: number | null;
  created_by: string;
  created_at: number;
}

export interface CourseTrainersTable {
  course_id: string;
  user_id: string;
}

export interface CourseEnrolmentsTable {
  course_id: string;
  user_id: string;
  enrolled_at: number;
  via: "trainer" | "csv" | "invite-code";
}

export interface LessonsTable {
  id: string;
  course_id: string;
  title: string;
  starts_at: number;
  ends_at: number;
  /** Both set or both null: the demonstration bench. */
  agent_id: string | null;
  procedure_id: string | null;
  created_at: number;
}

export interface LessonAttendanceTable {
  lesson_id: string;
  user_id: string;
  joined_at: number;
  left_at: number | null;
}

export interface LessonHandsTable {
  lesson_id: string;
  user_id: string;
  raised_at: number;
}

export interface LessonChatTable {
  id: string;
  lesson_id: string;
  user_id: string;
  text: string;
  at: number;
  deleted_by: string | null;
  deleted_at: number | null;
}

export interface LessonMutesTable {
  lesson_id: string;
  user_id: string;
  muted_by: string;
  muted_at: number;
}

export interface LessonQuizzesTable {
  id: string;
  lesson_id: string;
  question: string;
  points: number;
  /** QuizKey as JSON. */
  key: string;
  opened_at: number;
  closed_at: number | null;
}

export interface LessonQuizAnswersTable {
  quiz_id: string;
  user_id: string;
  /** QuizResponse as JSON. */
  response: string;
  /** 0 or 1, the same on SQLite and PostgreSQL. */
  correct: number;
  score: number;
  at: number;
}

export interface CoursesSchema {
  courses: CoursesTable;
  course_trainers: CourseTrainersTable;
  course_enrolments: CourseEnrolmentsTable;
  lessons: LessonsTable;
  lesson_attendance: LessonAttendanceTable;
  lesson_hands: LessonHandsTable;
  lesson_chat: LessonChatTable;
  lesson_mutes: LessonMutesTable;
  lesson_quizzes: LessonQuizzesTable;
  lesson_quiz_answers: LessonQuizAnswersTable;
}
