import {
  CertificateIdParams,
  IssuedList,
  IssuedListQuery,
  CertificateSummary,
  IssueCertificateRequest,
  IssuedCertificate,
  RevokeCertificateRequest,
  type Role,
  TelecalError,
  VerifyCertificateResponse,
} from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Auth } from "../auth/auth";
import { RateLimiter } from "../auth/rate-limit";
import { authorize, principalOf } from "../auth/authorize";
import type { CertificateService } from "../certificates/service";
import { checkDeclaredSize } from "../certificates/complexity";
import type { CertificateChecker } from "../certificates/verify-pool";
import { verifyErrorPage, verifyLandingPage, verifyPage } from "../certificates/verify-page";
import { VERIFY_SCRIPT, VERIFY_SCRIPT_PATH } from "../certificates/verify-page-script";

/** Who signs certificates (批准人) and revokes them. */
export const CERTIFICATE_SIGNERS: ReadonlySet<Role> = new Set<Role>(["expert", "admin"]);
/** Who lists the organisation's certificates: its signers, its technicians (校准员), its trainers (培训证明). */
const CERTIFICATE_READERS: ReadonlySet<Role> = new Set<Role>(["expert", "admin", "technician", "trainer"]);
/** A certificate PDF with its fonts is well under this. */
const MAX_UPLOAD = 20 * 1024 * 1024;

/** Public uploads to check, per client address: a check parses up to MAX_UPLOAD bytes of PDF. */
export const DEFAULT_VERIFY_LIMIT = { max: 30, windowMs: 60_000 };

/** Certificates (docs/certificates.md): issue, amend, revoke; public status, public verification. */
export function certificateRoutes(auth: Auth, certificates: CertificateService, checker: CertificateChecker, verifyLimit = DEFAULT_VERIFY_LIMIT): FastifyPluginAsyncZod {
  const uploads = new RateLimiter(verifyLimit.max, verifyLimit.windowMs);
  return async (app) => {
    // An uploaded certificate is read as bytes, whatever the browser calls it.
    app.addContentTypeParser(["application/pdf", "application/xml", "text/xml", "application/octet-stream"], { parseAs: "buffer", bodyLimit: MAX_UPLOAD }, (_req, body, done) => done(null, body));

    app.post(
      "/api/certificates",
      {
        onRequest: authorize(auth, CERTIFICATE_SIGNERS, "issue certificates"),
        schema: { summary: "Issues (or, with `replaces`, amends) a certificate signed by the caller as 批准人", tags: ["certificates"], body: IssueCertificateRequest, response: { 201: IssuedCertificate } },
      },
      async (request, reply) => reply.status(201).send(await certificates.issue(principalOf(request).user, request.body)),
    );

    app.get(
      "/api/certificates",
      {
        onRequest: authorize(auth, CERTIFICATE_READERS, "list certificates"),
        schema: { summary: "The certificates of the caller's organisation, newest first; `?job=` gives one job's", tags: ["certificates"], querystring: IssuedListQuery, response: { 200: IssuedList } },
      },
      async (request) => ({ certificates: await certificates.list(principalOf(request).user, request.query) }),
    );

    app.post(
      "/api/certificates/:id/revoke",
      {
        onRequest: authorize(auth, CERTIFICATE_SIGNERS, "revoke certificates"),
        schema: { summary: "Revokes a valid certificate; the verify page then shows it revoked", tags: ["certificates"], params: CertificateIdParams, body: RevokeCertificateRequest, response: { 200: CertificateSummary } },
      },
      async (request) => certificates.revoke(principalOf(request).user, request.params.id, request.body.reason),
    );

    app.get(
      "/api/certificates/:id",
      { schema: { summary: "A certificate's status and key data; no authentication", tags: ["certificates"], params: CertificateIdParams, response: { 200: CertificateSummary } } },
      async (request) => certificates.summary(request.params.id),
    );

    app.post(
      "/api/certificates/verify",
      {
        bodyLimit: MAX_UPLOAD,
        // A body over its type's limit is refused by its Content-Length, before it is read at all.
        onRequest: async (request) => checkDeclaredSize(request.headers["content-type"], request.headers["content-length"], "upload", checker.options.limits),
        schema: { summary: "Checks an uploaded certificate file (PDF or DCC XML); no authentication", tags: ["certificates"], response: { 200: VerifyCertificateResponse } } },
      async (request) => {
        const wait = uploads.hit(request.ip);
        if (wait > 0) throw new TelecalError("TC_ERR_RATE_LIMITED", { what: "certificate checks", key: request.ip, seconds: wait });
        if (!Buffer.isBuffer(request.body) || request.body.length === 0) {
          throw new TelecalError("TC_ERR_CERT_FORMAT", { file: "upload", reason: "send the file's bytes as application/pdf or application/xml" });
        }
        // Parsed in a worker thread with a time limit, one check at a time per address; the bytes
        // are handed to it, so only its answer is used after.
        const checked = await checker.check(request.body, "upload", request.ip);
        const result = await certificates.verify(Buffer.alloc(0), "upload", checked);
        return { ok: true as const, verdict: "genuine" as const, ...result };
      },
    );

    app.get(
      "/api/certificates/:id/files/:file",
      { schema: { summary: "A file as issued (the DCC, the Chinese PDF, the English PDF); no authentication", tags: ["certificates"], params: CertificateIdParams.extend({ file: z.enum(["dcc", "pdf", "pdf-en"]) }) } },
      async (request, reply) => {
        const { number, bytes } = await certificates.file(request.params.id, request.params.file);
        const [name, type] = request.params.file === "dcc" ? [`${number}.xml`, "application/xml"] : [`${number}${request.params.file === "pdf-en" ? "-en" : ""}.pdf`, "application/pdf"];
        return reply.type(type).header("content-disposition", `attachment; filename="${name}"`).header("x-content-type-options", "nosniff").send(bytes);
      },
    );

    app.get(VERIFY_SCRIPT_PATH, { schema: { hide: true } }, async (_request, reply) =>
      reply.type("text/javascript; charset=utf-8").header("cache-control", "no-cache").send(VERIFY_SCRIPT),
    );

    // The look-up by the number printed: a form's GET, sent on to the page of that number.
    app.get("/verify", { schema: { hide: true } }, async (request, reply) => {
      const number = (request.query as { number?: unknown }).number;
      const parsed = CertificateIdParams.safeParse({ id: typeof number === "string" ? number.trim() : undefined });
      if (parsed.success) return reply.redirect(`/verify/${encodeURIComponent(parsed.data.id)}`, 303);
      return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(verifyLandingPage());
    });

    app.get("/verify/:id", { schema: { hide: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      void reply.type("text/html; charset=utf-8").header("cache-control", "no-store");
      const parsed = CertificateIdParams.safeParse({ id });
      try {
        if (!parsed.success) throw new TelecalError("TC_ERR_CERT_NOT_FOUND", { id });
        return verifyPage(await certificates.pageData(parsed.data.id));
      } catch (err) {
        if (!(err instanceof TelecalError)) throw err;
        return reply.status(err.status).send(verifyErrorPage(err.toBody()));
      }
    });
  };
}
