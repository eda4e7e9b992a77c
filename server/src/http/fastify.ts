import Fastify, { type FastifyBaseLogger, type FastifyReply } from "fastify";
import { answerFrameworkError, clientErrorHandler } from "./framework-errors";
import { RequestLog } from "./request-log";

export interface FastifyOptions {
  logger?: FastifyBaseLogger | boolean;
  trustProxy?: readonly string[];
}

/** The HTTP server as every telecal process makes it: its logger, timeouts, proxies and framework errors. */
export function createFastify(options: FastifyOptions) {
  return Fastify({
    logger: typeof options.logger === "object" ? undefined : (options.logger ?? true),
    loggerInstance: typeof options.logger === "object" ? options.logger : undefined,
    // Proxies and slow county links: keep connections honest but not hair-trigger.
    connectionTimeout: 60_000,
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    clientErrorHandler,
    // A URL that does not decode (`/..%c0%af`) gets a registry error, not fastify's own body.
    frameworkErrors: (err, request, reply) => answerFrameworkError(err, request.url, reply as unknown as FastifyReply),
    logController: new RequestLog(),
  });
}
