import { createPublicKey } from "node:crypto";
import { AgentList, EnrollRequest, EnrollResponse, EnrolmentTokenRequest, EnrolmentTokenResponse, TelecalError } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Auth } from "../auth/auth";
import { ADMIN_ONLY, ANY_ROLE, authorize, principalOf } from "../auth/authorize";
import type { RegistryService } from "../registry/service";

/** Only an Ed25519 SPKI PEM key is registered; anything else is refused before the token is spent. */
function checkPublicKey(pem: string): void {
  try {
    if (createPublicKey({ key: pem, format: "pem" }).asymmetricKeyType === "ed25519") return;
  } catch {
    // Reported below.
  }
  throw new TelecalError("TC_ERR_VALIDATION", { what: "enrolment", issues: "publicKey: not an Ed25519 public key (SPKI PEM)" });
}

/**
 * Agent enrolment: an admin makes a one-time token; the agent spends it to get its credential. And
 * the agents of the caller's visible organisations, online or not (`online` asks the live hub).
 */
export function agentRoutes(auth: Auth, registry: RegistryService, online: () => Promise<ReadonlySet<string>>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/agents",
      {
        onRequest: authorize(auth, ANY_ROLE, "list agents"),
        schema: {
          summary: "Enrolled agents of the caller's organisation and of the stations it supervises: online now, first and last seen",
          tags: ["agents"],
          response: { 200: AgentList },
        },
      },
      async (request) => ({ agents: await registry.agents(principalOf(request).user, online) }),
    );

    app.post(
      "/api/agents/enrolment-tokens",
      {
        onRequest: authorize(auth, ADMIN_ONLY, "create enrolment tokens"),
        schema: {
          summary: "A one-time, expiring token that enrols one agent into the admin's organisation",
          tags: ["agents"],
          body: EnrolmentTokenRequest,
          response: { 201: EnrolmentTokenResponse },
        },
      },
      async (request, reply) => {
        const { user } = principalOf(request);
        const token = await auth.repo.createEnrolmentToken(user.organisation.id, user.id, request.body.ttlMinutes * 60_000);
        return reply.status(201).send(token);
      },
    );

    app.post(
      "/api/agents/enroll",
      {
        schema: {
          summary: "Spends an enrolment token (no session: the token is the authority) and answers the agent credential",
          tags: ["agents"],
          body: EnrollRequest,
          response: { 201: EnrollResponse },
        },
      },
      async (request, reply) => {
        checkPublicKey(request.body.publicKey);
        const { credential, organisationId } = await auth.repo.enrol(request.body);
        request.log.info({ agentId: request.body.agentId, organisationId }, "agent enrolled");
        return reply.status(201).send({ agentId: request.body.agentId, credential, organisationId });
      },
    );
  };
}
