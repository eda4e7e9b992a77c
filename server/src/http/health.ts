import { HealthResponse, PROTOCOL_VERSION } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { SERVER_VERSION } from "../version";

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/health",
    {
      schema: {
        summary: "Liveness and versions; no authentication",
        tags: ["system"],
        response: { 200: HealthResponse },
      },
    },
    async () => ({ status: "ok" as const, version: SERVER_VERSION, protocol: PROTOCOL_VERSION }),
  );
};
