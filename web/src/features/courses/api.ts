import {
  Course,
  CourseList,
  type CreateCourseRequest,
  type CreateLessonRequest,
  EnrolmentList,
  type EnrolRequest,
  EnrolResult,
  InviteCode,
  IssuedTrainingCertificate,
  Lesson,
  type TrainingCriteria,
  TrainingProgress,
} from "@telecal/protocols";
import { ApiError, request } from "../../api/client";

const course = (id: string) => `/api/courses/${encodeURIComponent(id)}`;

/** The courses' REST resources (docs/courses.md); every answer checked against protocols/. */
export const coursesApi = {
  list: async () => CourseList.parse(await request("GET", "/api/courses")).courses,
  get: async (id: string) => Course.parse(await request("GET", course(id))),
  create: async (body: CreateCourseRequest) => Course.parse(await request("POST", "/api/courses", body)),
  addLesson: async (id: string, body: CreateLessonRequest) => Lesson.parse(await request("POST", `${course(id)}/lessons`, body)),
  enrolments: async (id: string) => EnrolmentList.parse(await request("GET", `${course(id)}/enrolments`)).enrolments,
  enrol: async (id: string, body: EnrolRequest) => EnrolResult.parse(await request("POST", `${course(id)}/enrolments`, body)),
  unenrol: async (id: string, userId: string) => void (await request("DELETE", `${course(id)}/enrolments/${encodeURIComponent(userId)}`)),
  inviteCode: async (id: string) => InviteCode.parse(await request("POST", `${course(id)}/invite-code`)),
  join: async (code: string) => Course.parse(await request("POST", "/api/courses/join", { code })),
  attendanceCsvUrl: (id: string, lessonId: string) => `${course(id)}/lessons/${encodeURIComponent(lessonId)}/attendance.csv`,
  attendancePdfUrl: (id: string, lessonId: string) => `${course(id)}/lessons/${encodeURIComponent(lessonId)}/attendance.pdf`,
  setCriteria: async (id: string, body: TrainingCriteria) => Course.parse(await request("PUT", `${course(id)}/criteria`, body)),
  training: async (id: string) => TrainingProgress.parse(await request("GET", `${course(id)}/training`)),
  issueCertificate: async (id: string, trainee: string) => IssuedTrainingCertificate.parse(await request("POST", `${course(id)}/training-certificates`, { trainee })),
};

/** A refused request as a form shows it: the registry code and the server's message. */
export function failureOf(err: unknown): { code: string; message: string } {
  return err instanceof ApiError ? { code: err.code, message: err.message } : { code: "ERROR", message: String(err) };
}
