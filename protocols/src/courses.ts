import { z } from "zod";
import { Id } from "./ids";

/**
 * Live remote courses (docs/protocol.md, Courses): a trainer's course of lessons, its enrolled
 * trainees, and the REST bodies and answers of /api/courses. The live lesson itself is lessons.ts.
 */

const Username = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "1-64 letters, digits, '.', '_' or '-'");

/** Most trainees one enrolment request (or CSV) may name. */
export const ENROL_MAX = 1000;

/** A person of a course as others see them. */
export const CoursePerson = z.strictObject({ userId: z.string(), username: z.string(), displayName: z.string() });
export type CoursePerson = z.infer<typeof CoursePerson>;

/** What a lesson shows on the bench: an agent's instruments and the procedure being demonstrated. */
export const LessonBench = z.strictObject({ agentId: Id, procedureId: Id });
export type LessonBench = z.infer<typeof LessonBench>;

export const Lesson = z.strictObject({
  id: z.string(),
  courseId: z.string(),
  title: z.string(),
  /** UTC ms. */
  startsAt: z.number(),
  endsAt: z.number(),
  bench: LessonBench.nullable(),
});
export type Lesson = z.infer<typeof Lesson>;

/**
 * What a trainee must reach over the whole course for a 培训证明: presence (share of the lessons'
 * scheduled time spent in their rooms) and quiz score (share of the most possible), in whole percent.
 */
export const TrainingCriteria = z.strictObject({
  presencePercent: z.number().int().min(0).max(100),
  scorePercent: z.number().int().min(0).max(100),
});
export type TrainingCriteria = z.infer<typeof TrainingCriteria>;

/** A course as the caller may see it: `inviteCode` and `trainees` only for its trainers (and admins). */
export const Course = z.strictObject({
  id: z.string(),
  organisationId: Id,
  title: z.string(),
  description: z.string(),
  trainers: z.array(CoursePerson),
  lessons: z.array(Lesson),
  traineeCount: z.number().int(),
  /** Set by a trainer of the course (PUT /api/courses/:id/criteria); null until then. */
  criteria: TrainingCriteria.nullable(),
  /** The caller's part: a trainer runs it, a trainee is enrolled, anyone else (an admin) reads it. */
  as: z.enum(["trainer", "trainee", "reader"]),
  inviteCode: z.string().nullable().optional(),
});
export type Course = z.infer<typeof Course>;

export const CourseList = z.strictObject({ courses: z.array(Course) });
export type CourseList = z.infer<typeof CourseList>;

/** POST /api/courses: the creating trainer is one of its trainers; `trainers` adds others of the organisation. */
export const CreateCourseRequest = z.strictObject({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(4000).default(""),
  trainers: z.array(Username).max(20).default([]),
});
export type CreateCourseRequest = z.input<typeof CreateCourseRequest>;

/** POST /api/courses/:id/lessons */
export const CreateLessonRequest = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    startsAt: z.number().int().nonnegative(),
    endsAt: z.number().int().nonnegative(),
    bench: LessonBench.nullable().default(null),
  })
  .refine((l) => l.endsAt > l.startsAt, { message: "endsAt must be after startsAt", path: ["endsAt"] });
export type CreateLessonRequest = z.input<typeof CreateLessonRequest>;

/**
 * POST /api/courses/:id/enrolments: trainees by username, given one by one, or as CSV text (one
 * username per line, or in the first column; a header line `username` or `用户名` is skipped).
 */
export const EnrolRequest = z
  .strictObject({
    usernames: z.array(Username).max(ENROL_MAX).default([]),
    csv: z.string().max(200_000).optional(),
  })
  .refine((r) => r.usernames.length > 0 || (r.csv !== undefined && r.csv.trim() !== ""), { message: "name at least one trainee (usernames or csv)" });
export type EnrolRequest = z.input<typeof EnrolRequest>;

export const Enrolment = z.strictObject({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  enrolledAt: z.number(),
  via: z.enum(["trainer", "csv", "invite-code"]),
});
export type Enrolment = z.infer<typeof Enrolment>;

/** The answer to an enrolment: who is enrolled now, and who was already. */
export const EnrolResult = z.strictObject({ enrolled: z.array(z.string()), already: z.array(z.string()) });
export type EnrolResult = z.infer<typeof EnrolResult>;

export const EnrolmentList = z.strictObject({ enrolments: z.array(Enrolment) });
export type EnrolmentList = z.infer<typeof EnrolmentList>;

/** POST /api/courses/:id/invite-code: a new code (the old one stops working). */
export const InviteCode = z.strictObject({ courseId: z.string(), code: z.string() });
export type InviteCode = z.infer<typeof InviteCode>;

/** POST /api/courses/join: a trainee enrols with a code the trainer handed out. */
export const JoinByCodeRequest = z.strictObject({ code: z.string().trim().min(4).max(32) });
export type JoinByCodeRequest = z.infer<typeof JoinByCodeRequest>;

export const CourseParams = z.strictObject({ id: z.string().min(1).max(64) });
export const LessonParams = z.strictObject({ id: z.string().min(1).max(64), lessonId: z.string().min(1).max(64) });
/** DELETE /api/courses/:id/enrolments/:userId: a trainee taken out of the course. */
export const EnrolmentParams = z.strictObject({ id: z.string().min(1).max(64), userId: z.string().min(1).max(64) });

/** One trainee's attendance of a lesson: each stint in the room, presence within the lesson's times, quiz score. */
export const AttendanceRow = z.strictObject({
  userId: z.string(),
  username: z.string(),
  displayName: z.string(),
  /** [joined, left] UTC ms; left null while still in the room. */
  stints: z.array(z.tuple([z.number(), z.number().nullable()])),
  firstJoin: z.number().nullable(),
  lastLeave: z.number().nullable(),
  /** Time in the room within the lesson's scheduled times. */
  presentMs: z.number(),
  /** Share of the lesson's scheduled time spent in the room, 0-100, one decimal. */
  presencePercent: z.number(),
  score: z.number(),
  maxScore: z.number(),
});
export type AttendanceRow = z.infer<typeof AttendanceRow>;

export const Attendance = z.strictObject({ lesson: Lesson, courseTitle: z.string(), rows: z.array(AttendanceRow) });
export type Attendance = z.infer<typeof Attendance>;
