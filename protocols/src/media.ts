import { z } from "zod";
import { RtcConfig } from "./rtc";

/**
 * Course video one-to-many through Janus's VideoRoom (docs/protocol.md, "Course video"). A media
 * room is keyed by the caller that binds it (a lesson); the server decides who may enter and hands
 * each person a ticket: Janus's room number, a join token in the room's allowed list, and the
 * participant id the person must join with.
 */

/** Without Janus, a lesson's video is the job session's mesh, which takes this many people at most. */
export const MEDIA_MESH_MAX_PEOPLE = 4;

/** A media room's key: the binding caller's name for it, e.g. `lesson:<id>`. */
export const MediaRoomKey = z.string().regex(/^[A-Za-z0-9:_-]{1,100}$/, "letters, digits, : _ - (at most 100)");
export type MediaRoomKey = z.infer<typeof MediaRoomKey>;

/** A publisher sends (the trainer, one trainee on stage); a subscriber only receives. */
export const MediaRole = z.enum(["publisher", "subscriber"]);
export type MediaRole = z.infer<typeof MediaRole>;

/** Janus ids are unsigned 64-bit; ours stay below 2^53 so that JSON carries them exactly. */
const JanusId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const MediaTicketSfu = z.strictObject({
  mode: z.literal("sfu"),
  /** The Janus API (HTTP) as browsers reach it. */
  janusUrl: z.string(),
  room: JanusId,
  /** In the room's allowed list until the person leaves or is removed. */
  token: z.string(),
  /** The participant id to join with: the server knows whose feed is whose by it. */
  feedId: JanusId,
  role: MediaRole,
  display: z.string(),
  /** STUN and TURN, as for the job session's video. */
  rtc: RtcConfig,
});
export type MediaTicketSfu = z.infer<typeof MediaTicketSfu>;

/** No Janus configured: the page says that video falls back to the mesh, for so many people at most. */
export const MediaTicketMesh = z.strictObject({ mode: z.literal("mesh"), maxPeople: z.number().int().positive() });
export type MediaTicketMesh = z.infer<typeof MediaTicketMesh>;

/** POST /api/media/rooms/:room/ticket */
export const MediaTicket = z.discriminatedUnion("mode", [MediaTicketSfu, MediaTicketMesh]);
export type MediaTicket = z.infer<typeof MediaTicket>;

export const MediaRoomParams = z.strictObject({ room: MediaRoomKey });
export type MediaRoomParams = z.infer<typeof MediaRoomParams>;

/** DELETE /api/media/rooms/:room/ticket?feed=: only that ticket (a tab closing); without it, all the caller's. */
export const MediaLeaveQuery = z.strictObject({ feed: z.coerce.number().pipe(JanusId).optional() });
export type MediaLeaveQuery = z.infer<typeof MediaLeaveQuery>;

/** The media room of a lesson's video: the key its page asks a ticket for, and the server opens. */
export function lessonVideoKey(lessonId: string): string {
  return `lesson:${lessonId}`;
}
