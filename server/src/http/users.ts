import { CreateUserRequest, SetPasswordRequest, TelecalError, UserChangeResponse, UserIdParams, UserInfo, UserList } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyRequest } from "fastify";
import type { Auth } from "../auth/auth";
import { ADMIN_ONLY, authorize, principalOf } from "../auth/authorize";

/** An admin sees, adds and changes the users of the admin's own organisation, never another's. */
export function userRoutes(auth: Auth): FastifyPluginAsyncZod {
  /** Applies an admin's change to a user of the admin's organisation; another's is not found. */
  async function change(request: FastifyRequest, id: string, what: { password?: string; disabled?: boolean }) {
    const admin = principalOf(request).user;
    if ((await auth.repo.organisationOf(id)) !== admin.organisation.id) throw new TelecalError("TC_ERR_AUTH_USER_NOT_FOUND", { id });
    const done = await auth.changeUser(id, what);
    if (!done) throw new TelecalError("TC_ERR_AUTH_USER_NOT_FOUND", { id });
    request.log.info({ admin: admin.username, user: id, change: Object.keys(what) }, "user changed by an admin");
    return { ok: true as const, ...done };
  }

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

    const userChange = (summary: string, what: string) => ({
      onRequest: authorize(auth, ADMIN_ONLY, what),
      schema: { summary, tags: ["users"], params: UserIdParams, response: { 200: UserChangeResponse } },
    });

    app.post("/api/users/:id/disable", userChange("Disables a user: sign-in refused, every session and socket ended at once", "disable users"), async (request) =>
      change(request, request.params.id, { disabled: true }),
    );

    app.post("/api/users/:id/enable", userChange("Enables a disabled user again", "enable users"), async (request) => change(request, request.params.id, { disabled: false }));

    app.delete("/api/users/:id/sessions", userChange("Ends every session of a user, and their sockets, at once", "end users' sessions"), async (request) =>
      change(request, request.params.id, {}),
    );

    app.put(
      "/api/users/:id/password",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "set users' passwords"),
        schema: { summary: "Sets a user's password; every session of the user ends", tags: ["users"], params: UserIdParams, body: SetPasswordRequest, response: { 200: UserChangeResponse } },
      },
      async (request) => change(request, request.params.id, { password: request.body.password }),
    );
  };
}
