import { type FastifyReply, type FastifyRequest, LogController } from "fastify";

/**
 * Fastify's request lines, at debug rather than info: one line per request (method, URL, status,
 * time), not two. A page's polling alone would otherwise bury everything else on the console;
 * TELECAL_LOG=debug shows them. A request that errored is still logged at error.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) return super.requestCompleted(error, request, reply);
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, "request");
  }
}
