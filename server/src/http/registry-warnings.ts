import { WarningsQuery, WarningsResponse } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import { utcDay } from "../registry/due-dates";
import type { RegistryService } from "../registry/service";

/** Reference standards that need attention: due soon, past due, or without a certificate. */
export function registryWarningRoutes(auth: Auth, registry: RegistryService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/registry/warnings",
      {
        onRequest: authorize(auth, ANY_ROLE, "read registry warnings"),
        schema: {
          summary: "The caller's visible reference standards that are due soon, past due or have no certificate, today (UTC)",
          tags: ["registry"],
          querystring: WarningsQuery,
          response: { 200: WarningsResponse },
        },
      },
      async (request) => {
        const now = Date.now();
        const dueSoonDays = request.query.days ?? registry.options.dueSoonDays;
        return { on: utcDay(now), dueSoonDays, warnings: await registry.warnings(principalOf(request).user, now, dueSoonDays) };
      },
    );
  };
}
