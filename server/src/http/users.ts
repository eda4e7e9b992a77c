import { CreateUserRequest, UserInfo, UserList } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ADMIN_ONLY, authorize, principalOf } from "../auth/authorize";

/** An admin sees and adds the users of the admin's own organisation, never another's. */
export function userRoutes(auth: Auth): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/users",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "list users"),
        schema: { summary: "Users of the admin's organisation", tags: ["users"], response: { 200: UserList } },
      },
      async (request) => ({ users: await auth.repo.users(principalOf(request).user.organisation.id) }),
    );

    app.post(
      "/api/users",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "add users"),
        schema: { summary: "Adds a user to the admin's organisation", tags: ["users"], body: CreateUserRequest, response: { 201: UserInfo } },
      },
      async (request, reply) => {
        const user = await auth.repo.createUser({ ...request.body, organisationId: principalOf(request).user.organisation.id });
        return reply.status(201).send(user);
      },
    );
  };
}
