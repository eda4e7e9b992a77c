import { CreateLabRequest, Lab, LabList } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ADMIN_ONLY, ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { RegistryService } from "../registry/service";

/** Labs (docs/registry.md): every role reads its own and supervised organisations' labs; an admin adds labs to its own. */
export function labRoutes(auth: Auth, registry: RegistryService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/labs",
      {
        onRequest: authorize(auth, ANY_ROLE, "list labs"),
        schema: { summary: "Labs of the caller's organisation and of the stations it supervises", tags: ["registry"], response: { 200: LabList } },
      },
      async (request) => ({ labs: await registry.labs(principalOf(request).user) }),
    );

    app.post(
      "/api/labs",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "add labs"),
        schema: { summary: "Adds a lab to the admin's organisation", tags: ["registry"], body: CreateLabRequest, response: { 201: Lab } },
      },
      async (request, reply) => reply.status(201).send(await registry.createLab(principalOf(request).user, request.body)),
    );
  };
}
