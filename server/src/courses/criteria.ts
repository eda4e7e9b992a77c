import { z } from "zod";
import { TrainingCriteria, TelecalError, type UserInfo } from "@telecal/protocols";
import type { Kysely } from "kysely";
import { appendRecord } from "../records/log";
import { recordsDb } from "../records/schema";
import type { DialectName } from "../store/db";
import type { Schema } from "../store/schema";
import type { CoursesTable } from "./schema";

/** The criteria as a record states them (other fields of the payload aside). */
const CriteriaSchema = z.object(TrainingCriteria.shape);

/** The record log's stream of a course's settings that certificates are judged by. */
export function courseStream(courseId: string): string {
  return `course/${courseId}`;
}

/**
 * Sets a course's training criteria and records them in the log in the same transaction: a
 * training certificate names that record, so what it was judged by is under the checkpoint it signs.
 */
export async function setCourseCriteria(db: Kysely<Schema>, dialect: DialectName, user: UserInfo, course: CoursesTable, criteria: TrainingCriteria, now = Date.now()): Promise<void> {
  await db
    .transaction()
    .execute(async (trx) => {
      await trx.updateTable("courses").set({ pass_presence_percent: criteria.presencePercent, pass_score_percent: criteria.scorePercent }).where("id", "=", course.id).execute();
      await appendRecord(recordsDb(trx), dialect, { kind: "course-change", stream: courseStream(course.id), actor: `user:${user.id}`, payload: { event: "criteria", course: course.id, ...criteria } }, now);
    })
    .catch((err: unknown) => {
      if (err instanceof TelecalError) throw err;
      throw new TelecalError("TC_ERR_STORE_FAILED", { what: `the criteria of course ${course.id}` }, { cause: err });
    });
}

/**
 * The course's criteria in force, as the latest record of its stream says them (what a certificate
 * names must be what it was judged by), and that record's hash; undefined while none are set.
 */
export async function courseCriteria(db: Kysely<Schema>, course: CoursesTable): Promise<{ criteria: TrainingCriteria; recordHash: string } | undefined> {
  if (course.pass_presence_percent === null || course.pass_score_percent === null) return undefined;
  const record = await recordsDb(db).selectFrom("records").select(["hash", "payload"]).where("stream", "=", courseStream(course.id)).orderBy("seq", "desc").limit(1).executeTakeFirst();
  const parsed = record ? CriteriaSchema.safeParse(JSON.parse(record.payload)) : undefined;
  if (!record || !parsed?.success) throw new TelecalError("TC_ERR_STORED_INVALID", { what: `the criteria record of course ${course.id}`, issues: "missing or unreadable" });
  return { criteria: parsed.data, recordHash: record.hash };
}
