import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";

/**
 * The page's scripts come only from this server, never inline, so an injected `<script>` does not
 * run; the page may be framed by nobody (clickjacking of the control panel). Styles may be inline:
 * React sets them per element. Video arrives as MediaStreams, downloads as blob: URLs, QR codes as
 * data: images. Plain HTTP on loopback must keep working, hence no upgrade-insecure-requests.
 */
const CSP = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'", "'unsafe-inline'"],
  "img-src": ["'self'", "data:", "blob:"],
  "media-src": ["'self'", "blob:", "mediastream:"],
  "font-src": ["'self'", "data:"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'self'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
};

/**
 * Security headers on every answer, and no caching of API answers (they carry people's data).
 * `connectOrigins`: other origins the page may call, e.g. Janus's HTTP API when it is not behind
 * this server's own address.
 */
export async function registerSecurityHeaders(app: FastifyInstance, connectOrigins: readonly string[] = []): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: { ...CSP, "connect-src": [...CSP["connect-src"], ...connectOrigins] } },
    frameguard: { action: "deny" },
    // A page of this server may open another origin's link (the DCC schema, a verifier) without leaking the job URL.
    referrerPolicy: { policy: "no-referrer" },
    // HSTS only means something over TLS; a proxy in front sets its own.
    hsts: false,
  });
  app.addHook("onSend", async (request, reply) => {
    if (request.url.startsWith("/api/") && !reply.hasHeader("cache-control")) void reply.header("cache-control", "no-store");
  });
}
