import { SessionEventsQuery, SessionEventsResponse, SessionParams } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { SessionService } from "../realtime/sessions/service";

/** A live session's record for replay: anyone whose organisation may see the job. */
export function sessionRoutes(auth: Auth, sessions: SessionService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/sessions/:jobId/events",
      {
        onRequest: authorize(auth, ANY_ROLE, "replay sessions"),
        schema: {
          summary: "The events of a job's live session (joins, chat, leases, commands, refusals), oldest first",
          tags: ["sessions"],
          params: SessionParams,
          querystring: SessionEventsQuery,
          response: { 200: SessionEventsResponse },
        },
      },
      async (request) => {
        const { jobId } = request.params;
        const { after, limit } = request.query;
        const events = await sessions.events(principalOf(request).user, jobId, after, limit);
        return { jobId, events, next: events.length === limit ? events.at(-1)!.seq : null };
      },
    );
  };
}
