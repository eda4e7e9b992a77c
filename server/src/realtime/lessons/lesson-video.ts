import { isTelecalError, lessonVideoKey, type MediaRole } from "@telecal/protocols";
import type { MediaRoomOpener } from "../../media/media-rooms";
import type { LessonService } from "./service";

const PREFIX = lessonVideoKey("");

/**
 * Opens a lesson's video room at its first ticket: the course's trainers send, its enrolled
 * trainees watch, everyone else is refused; asked at every ticket, as every lesson event is.
 */
export function lessonVideoOpener(lessons: LessonService): MediaRoomOpener {
  return (key) => {
    if (!key.startsWith(PREFIX)) return null;
    const lessonId = key.slice(PREFIX.length);
    return {
      description: `lesson ${lessonId}`,
      check: async (user): Promise<MediaRole | null> => {
        try {
          return (await lessons.ctx.admit(user, lessonId)).part === "trainer" ? "publisher" : "subscriber";
        } catch (err) {
          if (isTelecalError(err)) return null;
          throw err;
        }
      },
    };
  };
}
