import { PublishedSignerKey, RevokeCertificateRequest, type Role, SignerKey, SignerKeysResponse, WellKnownKeys } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Auth } from "../auth/auth";
import { authorize, principalOf } from "../auth/authorize";
import type { CertificateService } from "../certificates/service";

/** Where anyone finds the keys this server signs with (docs/security.md, Verdicts). */
export const WELL_KNOWN_KEYS_PATH = "/.well-known/telecal-keys.json";

/** Who may rotate or revoke: the approver their own key, an admin any key of their organisation's users. */
const KEY_ADMINS: ReadonlySet<Role> = new Set<Role>(["expert", "admin"]);

/** The approvers' signing keys: published for pinning, rotated, revoked. */
export function signerKeyRoutes(auth: Auth, certificates: CertificateService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      WELL_KNOWN_KEYS_PATH,
      { schema: { summary: "Every approver key (current, retired, revoked) and every record-log key of this server; no authentication", tags: ["certificates"], response: { 200: WellKnownKeys } } },
      async (_request, reply) => reply.header("cache-control", "no-cache").send(await certificates.wellKnownKeys()),
    );

    app.get(
      "/api/certificates/keys",
      { schema: { summary: "The approvers' public signing keys, to pin for offline verification; no authentication", tags: ["certificates"], response: { 200: SignerKeysResponse } } },
      async () => ({ keys: await certificates.signers.all() }),
    );

    app.post(
      "/api/certificates/keys/rotate",
      {
        onRequest: authorize(auth, KEY_ADMINS, "rotate signing keys"),
        schema: {
          summary: "Retires a user's signing key and makes a new one (the old one still proves what it signed)",
          tags: ["certificates"],
          body: z.strictObject({ userId: z.string().min(1).max(64) }),
          response: { 200: z.strictObject({ retired: z.string(), current: PublishedSignerKey }) },
        },
      },
      async (request) => certificates.rotateKey(principalOf(request).user, request.body.userId),
    );

    app.post(
      "/api/certificates/keys/:keyId/revoke",
      {
        onRequest: authorize(auth, KEY_ADMINS, "revoke signing keys"),
        schema: {
          summary: "Revokes a signing key: nothing it signs from now on is genuine; what it signed before says when it was revoked",
          tags: ["certificates"],
          params: z.strictObject({ keyId: SignerKey.shape.keyId.regex(/^[0-9a-f]{16}$/, "16 hex digits") }),
          body: RevokeCertificateRequest,
          response: { 200: PublishedSignerKey },
        },
      },
      async (request) => certificates.revokeKey(principalOf(request).user, request.params.keyId, request.body.reason),
    );
  };
}
