import { LoginRequest, LoginResponse, MeResponse, OkResponse } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import { sessionCookie } from "../auth/cookies";

/** Sign in and out. Login is public and rate limited; the others need a session. */
export function authRoutes(auth: Auth): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/api/auth/login",
      {
        schema: {
          summary: "Sign in: answers a bearer token and sets the HttpOnly session cookie",
          tags: ["auth"],
          body: LoginRequest,
          response: { 200: LoginResponse },
        },
      },
      async (request, reply) => {
        const { token, expiresAt } = await auth.login(request.body.username, request.body.password, request.ip);
        void reply.header("set-cookie", sessionCookie(token, (expiresAt - Date.now()) / 1000, request.protocol === "https"));
        return { token, expiresAt };
      },
    );

    app.post(
      "/api/auth/logout",
      {
        onRequest: authorize(auth, ANY_ROLE, "sign out"),
        schema: { summary: "Ends the session and its sockets at once", tags: ["auth"], response: { 200: OkResponse } },
      },
      async (request, reply) => {
        await auth.logout(principalOf(request).idHash);
        void reply.header("set-cookie", sessionCookie("", 0, request.protocol === "https"));
        return { ok: true as const };
      },
    );

    app.get(
      "/api/auth/me",
      {
        onRequest: authorize(auth, ANY_ROLE, "read the signed-in user"),
        schema: { summary: "The signed-in user, role and organisation", tags: ["auth"], response: { 200: MeResponse } },
      },
      async (request) => {
        const { user, expiresAt } = principalOf(request);
        return { user, expiresAt };
      },
    );
  };
}
