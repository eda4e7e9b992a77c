import { parseStreamRef, ReadingGapPayload, ReadingsPage, ReadingsQuery, StreamInfo, StreamRef, TelecalError } from "@telecal/protocols";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { RegistryService } from "../registry/service";
import { CSV_HEADER, csvRows, listStreams, readingsPage } from "../store/readings-export";
import type { Store } from "../store/store";

/**
 * The stored readings, read-only: the same pages `telecal export` writes. `Accept: text/csv`
 * answers CSV. Every signed-in role may read the streams of the agents of the organisations it may
 * see (its own and those it supervises); another's stream is not found, as if it did not exist.
 */
export function streamRoutes(auth: Auth, store: Store, registry: RegistryService): FastifyPluginAsyncZod {
  const visible = (request: FastifyRequest) => registry.visibleAgentIds(principalOf(request).user);
  const mustSee = async (request: FastifyRequest, ref: string) => {
    if (!(await visible(request)).has(parseStreamRef(ref).agentId)) throw new TelecalError("TC_ERR_UNKNOWN_STREAM", { stream: ref });
  };
  return async (app) => {
    app.get(
      "/api/streams",
      {
        onRequest: authorize(auth, ANY_ROLE, "list streams"),
        schema: { summary: "Streams with stored readings", tags: ["readings"], response: { 200: z.strictObject({ streams: z.array(StreamInfo) }) } },
      },
      async (request) => {
        const agents = await visible(request);
        return { streams: (await listStreams(store)).filter((s) => agents.has(s.agentId)) };
      },
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
        await mustSee(request, request.params.id);
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
        await mustSee(request, request.params.id);
        const { agentId, streamId } = parseStreamRef(request.params.id);
        return { gaps: await store.gaps.list(agentId, streamId) };
      },
    );
  };
}
