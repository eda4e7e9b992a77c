import { MediaLeaveQuery, MediaRoomParams, MediaTicket } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { MediaRooms } from "../media/media-rooms";

/**
 * A person's ticket into a media room (a lesson's video), only if the room's own check lets them
 * in; and leaving it, which takes their token out of Janus's allowed list.
 */
export function mediaRoutes(auth: Auth, media: MediaRooms): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api/media/rooms/:room/ticket",
      {
        onRequest: authorize(auth, ANY_ROLE, "enter course video"),
        schema: {
          summary: "Janus room, join token and participant id for the caller, if the room's lesson lets them in; or the mesh's limit without Janus",
          tags: ["media"],
          params: MediaRoomParams,
          response: { 200: MediaTicket },
        },
      },
      async (request, reply) => {
        // A token is personal: no cache may keep or share it.
        void reply.header("cache-control", "no-store");
        return media.ticket(request.params.room, principalOf(request).user);
      },
    );
    app.delete(
      "/api/media/rooms/:room/ticket",
      {
        onRequest: authorize(auth, ANY_ROLE, "leave course video"),
        schema: {
          summary: "Leave a media room: the caller's tokens (or the one of participant `feed`) leave Janus's allowed list and their participants are kicked",
          tags: ["media"],
          params: MediaRoomParams,
          querystring: MediaLeaveQuery,
          response: { 200: MediaRoomParams },
        },
      },
      async (request) => {
        await media.remove(request.params.room, principalOf(request).user.id, request.query.feed);
        return { room: request.params.room };
      },
    );
  };
}
