import {
  Attendance,
  Course,
  CourseList,
  CourseParams,
  CreateCourseRequest,
  CreateLessonRequest,
  EnrolmentList,
  EnrolmentParams,
  EnrolRequest,
  EnrolResult,
  InviteCode,
  IssuedTrainingCertificate,
  IssueTrainingCertificateRequest,
  JoinByCodeRequest,
  Lesson,
  LessonParams,
  type Role,
  TrainingCriteria,
  TrainingProgress,
} from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { authorize, principalOf } from "../auth/authorize";
import type { TrainingCertificateService } from "../certificates/training-service";
import { attendanceCsv } from "../courses/attendance-csv";
import { attendancePdf } from "../courses/attendance-pdf";
import type { CourseService } from "../courses/service";

/** Who has courses at all: trainers run them, admins read their organisation's, trainees take them. */
export const COURSE_ROLES: ReadonlySet<Role> = new Set<Role>(["trainer", "admin", "trainee"]);
const TRAINERS: ReadonlySet<Role> = new Set<Role>(["trainer"]);
const TRAINEES: ReadonlySet<Role> = new Set<Role>(["trainee"]);
/** Who issues 培训证明: the course's trainers and the admins of its organisation (the service asks which). */
const ISSUERS: ReadonlySet<Role> = new Set<Role>(["trainer", "admin"]);

/** Courses (docs/courses.md). The service checks the course's organisation, trainers and enrolment itself. */
export function courseRoutes(auth: Auth, courses: CourseService, training: TrainingCertificateService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/courses",
      {
        onRequest: authorize(auth, COURSE_ROLES, "list courses"),
        schema: { summary: "A trainer's or admin's: the organisation's courses; a trainee's: those they are enrolled in", tags: ["courses"], response: { 200: CourseList } },
      },
      async (request) => ({ courses: await courses.list(principalOf(request).user) }),
    );

    app.post(
      "/api/courses",
      {
        onRequest: authorize(auth, TRAINERS, "create courses"),
        schema: { summary: "A trainer creates a course of their organisation", tags: ["courses"], body: CreateCourseRequest, response: { 201: Course } },
      },
      async (request, reply) => reply.status(201).send(await courses.create(principalOf(request).user, request.body)),
    );

    app.post(
      "/api/courses/join",
      {
        onRequest: authorize(auth, TRAINEES, "join courses"),
        schema: { summary: "A trainee enrols with the course's invite code", tags: ["courses"], body: JoinByCodeRequest, response: { 200: Course } },
      },
      async (request) => courses.joinByCode(principalOf(request).user, request.body.code),
    );

    app.get(
      "/api/courses/:id",
      {
        onRequest: authorize(auth, COURSE_ROLES, "read courses"),
        schema: { summary: "One course with its trainers and lessons", tags: ["courses"], params: CourseParams, response: { 200: Course } },
      },
      async (request) => courses.get(principalOf(request).user, request.params.id),
    );

    app.post(
      "/api/courses/:id/lessons",
      {
        onRequest: authorize(auth, TRAINERS, "add lessons"),
        schema: { summary: "A lesson with its times, optionally on a demonstration bench", tags: ["courses"], params: CourseParams, body: CreateLessonRequest, response: { 201: Lesson } },
      },
      async (request, reply) => reply.status(201).send(await courses.addLesson(principalOf(request).user, request.params.id, request.body)),
    );

    app.get(
      "/api/courses/:id/enrolments",
      {
        onRequest: authorize(auth, TRAINERS, "list trainees"),
        schema: { summary: "The course's trainees, how and when each was enrolled", tags: ["courses"], params: CourseParams, response: { 200: EnrolmentList } },
      },
      async (request) => ({ enrolments: await courses.enrolments(principalOf(request).user, request.params.id) }),
    );

    app.post(
      "/api/courses/:id/enrolments",
      {
        onRequest: authorize(auth, TRAINERS, "enrol trainees"),
        schema: { summary: "Enrols trainees by username or by a CSV of usernames, all or none", tags: ["courses"], params: CourseParams, body: EnrolRequest, response: { 200: EnrolResult } },
      },
      async (request) => courses.enrol(principalOf(request).user, request.params.id, request.body),
    );

    app.delete(
      "/api/courses/:id/enrolments/:userId",
      {
        onRequest: authorize(auth, new Set<Role>(["trainer", "admin"]), "remove trainees"),
        schema: { summary: "Takes a trainee out of the course: refused by its REST routes and lessons from then on", tags: ["courses"], params: EnrolmentParams },
      },
      async (request, reply) => {
        await courses.unenrol(principalOf(request).user, request.params.id, request.params.userId);
        return reply.status(204).send();
      },
    );

    app.post(
      "/api/courses/:id/invite-code",
      {
        onRequest: authorize(auth, TRAINERS, "hand out invite codes"),
        schema: { summary: "A new invite code for the course (the previous one stops working)", tags: ["courses"], params: CourseParams, response: { 200: InviteCode } },
      },
      async (request) => courses.newInviteCode(principalOf(request).user, request.params.id),
    );

    app.get(
      "/api/courses/:id/lessons/:lessonId/attendance",
      {
        onRequest: authorize(auth, TRAINERS, "export attendance"),
        schema: { summary: "Each enrolled trainee's stints, presence within the lesson's times and quiz score", tags: ["courses"], params: LessonParams, response: { 200: Attendance } },
      },
      async (request) => courses.attendance(principalOf(request).user, request.params.id, request.params.lessonId),
    );

    app.get(
      "/api/courses/:id/lessons/:lessonId/attendance.csv",
      {
        onRequest: authorize(auth, TRAINERS, "export attendance"),
        schema: { summary: "The attendance as CSV for Excel: UTF-8 with BOM, Chinese headers with English beside", tags: ["courses"], params: LessonParams },
      },
      async (request, reply) => {
        const attendance = await courses.attendance(principalOf(request).user, request.params.id, request.params.lessonId);
        const name = `attendance-${attendance.lesson.id}.csv`;
        return reply
          .type("text/csv; charset=utf-8")
          .header("content-disposition", `attachment; filename="${name}"`)
          .serializer((payload: unknown) => String(payload))
          .send(attendanceCsv(attendance));
      },
    );

    app.get(
      "/api/courses/:id/lessons/:lessonId/attendance.pdf",
      {
        onRequest: authorize(auth, TRAINERS, "export attendance"),
        schema: { summary: "The attendance as a PDF sheet: the CSV's columns, Chinese headings with English beside", tags: ["courses"], params: LessonParams },
      },
      async (request, reply) => {
        const attendance = await courses.attendance(principalOf(request).user, request.params.id, request.params.lessonId);
        const pdf = await attendancePdf(attendance);
        return reply.type("application/pdf").header("content-disposition", `attachment; filename="attendance-${attendance.lesson.id}.pdf"`).send(pdf);
      },
    );

    app.put(
      "/api/courses/:id/criteria",
      {
        onRequest: authorize(auth, TRAINERS, "set training criteria"),
        schema: { summary: "The presence and score a trainee must reach for a 培训证明 (whole percent)", tags: ["courses"], params: CourseParams, body: TrainingCriteria, response: { 200: Course } },
      },
      async (request) => courses.setCriteria(principalOf(request).user, request.params.id, request.body),
    );

    app.get(
      "/api/courses/:id/training",
      {
        onRequest: authorize(auth, ISSUERS, "read training progress"),
        schema: { summary: "Each trainee's presence and score over the course, what they meet, their 培训证明 if issued", tags: ["courses"], params: CourseParams, response: { 200: TrainingProgress } },
      },
      async (request) => training.progress(principalOf(request).user, request.params.id),
    );

    app.post(
      "/api/courses/:id/training-certificates",
      {
        onRequest: authorize(auth, ISSUERS, "issue training certificates"),
        schema: { summary: "Issues a signed 培训证明 to a trainee who meets the course's criteria", tags: ["courses"], params: CourseParams, body: IssueTrainingCertificateRequest, response: { 201: IssuedTrainingCertificate } },
      },
      async (request, reply) => reply.status(201).send(await training.issue(principalOf(request).user, request.params.id, request.body.trainee)),
    );
  };
}
