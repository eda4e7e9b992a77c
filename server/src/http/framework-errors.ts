import { ERRORS, type ErrorBody, TelecalError } from "@telecal/protocols";
import type { FastifyError, FastifyReply } from "fastify";
import type { Socket } from "node:net";

/**
 * Fastify's own client errors, by their code, as registry errors with the right status: before, every
 * one of them (a 413, a 415) was answered as TC_ERR_VALIDATION with status 400's code beside another status.
 */
export function frameworkError(err: FastifyError, url: string): TelecalError | undefined {
  switch (err.code) {
    case "FST_ERR_BAD_URL":
      return new TelecalError("TC_ERR_BAD_URL", { url });
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new TelecalError("TC_ERR_BODY_TOO_LARGE", { reason: err.message });
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new TelecalError("TC_ERR_MEDIA_TYPE", { type: err.message.replace(/^Unsupported Media Type:\s*/, "") });
    default:
      return undefined;
  }
}

/** Fastify's `frameworkErrors` hook: errors met before routing, such as a URL that does not decode. */
export function answerFrameworkError(err: FastifyError, url: string, reply: FastifyReply): void {
  const e = frameworkError(err, url) ?? new TelecalError("TC_ERR_VALIDATION", { what: "request", issues: err.message });
  void reply.status(e.status).send(e.toBody());
}

/**
 * Errors Node's HTTP parser meets before fastify sees a request (a 60 kB cookie: 431): answered with a
 * registry body too, so that a client reads the same shape as from any route; then the socket closes.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  const e =
    err.code === "HPE_HEADER_OVERFLOW"
      ? new TelecalError("TC_ERR_HEADERS_TOO_LARGE")
      : new TelecalError("TC_ERR_VALIDATION", { what: "HTTP request", issues: err.code ?? err.message });
  const body: ErrorBody = e.toBody();
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${e.status} ${e.status === ERRORS.TC_ERR_HEADERS_TOO_LARGE.status ? "Request Header Fields Too Large" : "Bad Request"}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  } else {
    socket.destroy(err);
  }
}
