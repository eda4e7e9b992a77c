import { parseStreamRef, ReadingGapPayload, ReadingsPage, ReadingsQuery, StreamInfo, StreamRef } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize } from "../auth/authorize";
import { CSV_HEADER, csvRows, listStreams, readingsPage } from "../store/readings-export";
import type { Store } from "../store/store";

/**
 * The stored readings, read-only: the same pages `telecal export` writes. `Accept: text/csv`
 * answers CSV. Every signed-in role may read; per-organisation visibility comes with the registry.
 */
export function streamRoutes(auth: Auth, store: Store): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/streams",
      {
        onRequest: authorize(auth, ANY_ROLE, "list streams"),
        schema: { summary: "Streams with stored readings", tags: ["readings"], response: { 200: z.strictObject({ streams: z.array(StreamInfo) }) } },
      },
      async () => ({ streams: await listStreams(store) }),
    );

    app.get(
      "/api/streams/:id/readings",
      {
        onRequest: authorize(auth, ANY_ROLE, "read readings"),
        schema: {
          summary: "A page of a stream's stored readings after a seq (JSON, or CSV with Accept: text/csv)",
          tags: ["readings"],
          params: z.strictObject({ id: StreamRef }),
          querystring: ReadingsQuery,
          response: { 200: ReadingsPage },
        },
      },
      async (request, reply) => {
        const page = await readingsPage(store, request.params.id, request.query.after, request.query.limit);
        if ((request.headers.accept ?? "").includes("text/csv")) {
          if (page.next !== null) void reply.header("link", `<?after=${page.next}&limit=${request.query.limit}>; rel="next"`);
          // The route's schema types the JSON answer; CSV is sent as is, past the JSON serializer.
          const csv = `${CSV_HEADER}\n${csvRows(page)}`;
          return reply.type("text/csv; charset=utf-8").serializer((payload: unknown) => String(payload)).send(csv as never);
        }
        return page;
      },
    );

    app.get(
      "/api/streams/:id/gaps",
      {
        onRequest: authorize(auth, ANY_ROLE, "read readings"),
        schema: {
          summary: "Readings the agent took but could not keep (its gap records), oldest first",
          tags: ["readings"],
          params: z.strictObject({ id: StreamRef }),
          response: { 200: z.strictObject({ gaps: z.array(ReadingGapPayload) }) },
        },
      },
      async (request) => {
        const { agentId, streamId } = parseStreamRef(request.params.id);
        return { gaps: await store.gaps.list(agentId, streamId) };
      },
    );
  };
}
