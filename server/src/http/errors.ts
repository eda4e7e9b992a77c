import { ERRORS, type ErrorBody, isTelecalError, TelecalError } from "@telecal/protocols";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isStoreError } from "../store/store-error";
import { frameworkError } from "./framework-errors";

/** Maps every failure of a route to a registry code and its status; nothing leaks a stack. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let body: ErrorBody;
    let status: number;
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation
        .map((v) => `${v.instancePath || "(root)"}: ${v.message ?? "invalid"}`)
        .join("; ");
      const e = new TelecalError("TC_ERR_VALIDATION", { what: "request", issues });
      body = e.toBody();
      status = e.status;
    } else if (isTelecalError(err)) {
      // A server-side failure (the store) is answered by code; its cause goes to the log only.
      if (err.status >= 500) request.log.error({ err, cause: err.cause }, err.message);
      body = err.toBody();
      status = err.status;
    } else if (frameworkError(err, request.url)) {
      const e = frameworkError(err, request.url)!;
      body = e.toBody();
      status = e.status;
    } else if (isStoreError(err)) {
      // A full disk, a read-only data dir, a lost connection: the database's own error, logged.
      const e = new TelecalError("TC_ERR_STORE_FAILED", { what: `${request.method} ${request.routeOptions.url ?? request.url}` }, { cause: err });
      request.log.error({ err, code: err.code }, e.message);
      body = e.toBody();
      status = e.status;
    } else if (err.statusCode !== undefined && err.statusCode < 500) {
      const e = new TelecalError("TC_ERR_VALIDATION", { what: "request", issues: err.message });
      body = e.toBody();
      status = err.statusCode;
    } else {
      request.log.error({ err }, "route failed");
      body = new TelecalError("TC_ERR_INTERNAL", { reason: "see server log" }).toBody();
      status = ERRORS.TC_ERR_INTERNAL.status;
    }
    void reply.status(status).send(body);
  });
}
