import { type Role, ROLES, TelecalError } from "@telecal/protocols";
import type { FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import type { Auth } from "./auth";
import { requireRole } from "./auth";
import type { SessionInfo } from "./auth-repository";
import { tokenFromHeaders } from "./cookies";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `authorize` on the routes that use it. */
    principal?: SessionInfo;
  }
}

export const ANY_ROLE: ReadonlySet<Role> = new Set(ROLES);
export const ADMIN_ONLY: ReadonlySet<Role> = new Set<Role>(["admin"]);

/**
 * A route's own check, run at onRequest (before the body is parsed or validated, so an anonymous
 * caller learns nothing of the schema): a live session (bearer token or cookie) whose role is in
 * `roles`. Every route but health, OpenAPI, login and enroll (its one-time token is the authority)
 * uses it.
 */
export function authorize(auth: Auth, roles: ReadonlySet<Role>, what: string): onRequestAsyncHookHandler {
  return async (request) => {
    const session = await auth.session(tokenFromHeaders(request.headers), what);
    requireRole(session.user, roles, what);
    request.principal = session;
  };
}

/** The session `authorize` found; a route without `authorize` that asks is a bug. */
export function principalOf(request: FastifyRequest): SessionInfo {
  if (!request.principal) throw new TelecalError("TC_ERR_INTERNAL", { reason: "route has no authorize()" });
  return request.principal;
}
