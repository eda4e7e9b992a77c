import { lessonMeshId, MEDIA_MESH_MAX_PEOPLE, RTC_MAX_PEERS } from "@telecal/protocols";
import type { JobService } from "../jobs/service";
import type { LessonService } from "./lessons/service";
import type { MeshAccess } from "./rtc-signalling";

const LESSON = lessonMeshId("");

/**
 * Who may be in a mesh: a job's, for those who see the job (RTC_MAX_PEERS tabs); a lesson's, for
 * its trainers and enrolled trainees (MEDIA_MESH_MAX_PEOPLE tabs: the fallback without Janus).
 */
export function meshAccess(jobs: Pick<JobService, "get">, lessons: LessonService): MeshAccess {
  return async (user, meshId) => {
    if (meshId.startsWith(LESSON)) {
      await lessons.ctx.admit(user, meshId.slice(LESSON.length));
      return MEDIA_MESH_MAX_PEOPLE;
    }
    await jobs.get(user, meshId);
    return RTC_MAX_PEERS;
  };
}
