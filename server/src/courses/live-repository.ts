import type { CoursePerson, HandRaised, LessonChatMessage, LessonParticipant } from "@telecal/protocols";
import type { Kysely } from "kysely";
import type { Schema } from "../store/schema";
import type { LessonAttendanceTable } from "./schema";

const PERSON = ["users.id as userId", "users.username as username", "users.display_name as displayName"] as const;

/** A lesson's room as the store holds it: attendance stints, hands, chat and mutes. No authorisation here. */
export class LessonLiveRepository {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Opens a stint for the user unless one is open; answers whether one was opened. */
  async arrive(lessonId: string, userId: string, now: number): Promise<boolean> {
    const open = await this.db.selectFrom("lesson_attendance").select("joined_at").where("lesson_id", "=", lessonId).where("user_id", "=", userId).where("left_at", "is", null).executeTakeFirst();
    if (open) return false;
    await this.db.insertInto("lesson_attendance").values({ lesson_id: lessonId, user_id: userId, joined_at: now, left_at: null }).execute();
    return true;
  }

  /** Closes the user's open stint (if any). */
  async depart(lessonId: string, userId: string, now: number): Promise<void> {
    await this.db.updateTable("lesson_attendance").set({ left_at: now }).where("lesson_id", "=", lessonId).where("user_id", "=", userId).where("left_at", "is", null).execute();
  }

  /** Everyone with an open stint, earliest first, with the part they have in the course. */
  async present(lessonId: string, courseId: string): Promise<LessonParticipant[]> {
    const rows = await this.db
      .selectFrom("lesson_attendance")
      .innerJoin("users", "users.id", "lesson_attendance.user_id")
      .leftJoin("course_trainers", (j) => j.onRef("course_trainers.user_id", "=", "users.id").on("course_trainers.course_id", "=", courseId))
      .select([...PERSON, "lesson_attendance.joined_at as since", "course_trainers.user_id as trainerId"])
      .where("lesson_attendance.lesson_id", "=", lessonId)
      .where("lesson_attendance.left_at", "is", null)
      .orderBy("lesson_attendance.joined_at")
      .orderBy("users.username")
      .execute();
    return rows.map(({ trainerId, ...r }) => ({ ...r, part: trainerId === null ? "trainee" : "trainer" }));
  }

  async stints(lessonId: string): Promise<LessonAttendanceTable[]> {
    return this.db.selectFrom("lesson_attendance").selectAll().where("lesson_id", "=", lessonId).orderBy("joined_at").execute();
  }

  /**
   * Raises a hand; a hand already up keeps its place in the queue. Each goes up after the last one
   * (a millisecond later at least), so two hands raised in the same millisecond still have an order.
   */
  async raise(lessonId: string, userId: string, now: number): Promise<void> {
    const last = await this.db.selectFrom("lesson_hands").select((eb) => eb.fn.max("raised_at").as("at")).where("lesson_id", "=", lessonId).executeTakeFirst();
    const at = Math.max(now, Number(last?.at ?? 0) + 1);
    await this.db.insertInto("lesson_hands").values({ lesson_id: lessonId, user_id: userId, raised_at: at }).onConflict((oc) => oc.columns(["lesson_id", "user_id"]).doNothing()).execute();
  }

  async lower(lessonId: string, userId: string): Promise<void> {
    await this.db.deleteFrom("lesson_hands").where("lesson_id", "=", lessonId).where("user_id", "=", userId).execute();
  }

  /** The raised hands in the order they went up. */
  async hands(lessonId: string): Promise<HandRaised[]> {
    return this.db
      .selectFrom("lesson_hands")
      .innerJoin("users", "users.id", "lesson_hands.user_id")
      .select([...PERSON, "lesson_hands.raised_at as raisedAt"])
      .where("lesson_hands.lesson_id", "=", lessonId)
      .orderBy("lesson_hands.raised_at")
      .orderBy("users.username")
      .execute();
  }

  async insertChat(id: string, lessonId: string, from: CoursePerson, text: string, at: number): Promise<LessonChatMessage> {
    await this.db.insertInto("lesson_chat").values({ id, lesson_id: lessonId, user_id: from.userId, text, at, deleted_by: null, deleted_at: null }).execute();
    return { id, lessonId, from, text, at };
  }

  /** The latest `limit` messages not deleted, oldest first. */
  async chat(lessonId: string, limit: number): Promise<LessonChatMessage[]> {
    const rows = await this.db
      .selectFrom("lesson_chat")
      .innerJoin("users", "users.id", "lesson_chat.user_id")
      .select([...PERSON, "lesson_chat.id as id", "lesson_chat.text as text", "lesson_chat.at as at"])
      .where("lesson_chat.lesson_id", "=", lessonId)
      .where("lesson_chat.deleted_at", "is", null)
      .orderBy("lesson_chat.at", "desc")
      .orderBy("lesson_chat.id", "desc")
      .limit(limit)
      .execute();
    return rows.reverse().map((r) => ({ id: r.id, lessonId, from: { userId: r.userId, username: r.username, displayName: r.displayName }, text: r.text, at: r.at }));
  }

  /** Marks a message deleted (kept, not shown); false if there was none to delete. */
  async deleteChat(lessonId: string, messageId: string, by: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable("lesson_chat")
      .set({ deleted_by: by, deleted_at: now })
      .where("lesson_id", "=", lessonId)
      .where("id", "=", messageId)
      .where("deleted_at", "is", null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async mute(lessonId: string, userId: string, muted: boolean, by: string, now: number): Promise<void> {
    if (!muted) {
      await this.db.deleteFrom("lesson_mutes").where("lesson_id", "=", lessonId).where("user_id", "=", userId).execute();
      return;
    }
    await this.db.insertInto("lesson_mutes").values({ lesson_id: lessonId, user_id: userId, muted_by: by, muted_at: now }).onConflict((oc) => oc.columns(["lesson_id", "user_id"]).doNothing()).execute();
  }

  async muted(lessonId: string): Promise<string[]> {
    const rows = await this.db.selectFrom("lesson_mutes").select("user_id").where("lesson_id", "=", lessonId).orderBy("muted_at").orderBy("user_id").execute();
    return rows.map((r) => r.user_id);
  }
}
