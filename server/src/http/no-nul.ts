import { nulPath, TelecalError } from "@telecal/protocols";
import type { FastifyInstance } from "fastify";

/** Refuses NUL in any parameter, query or JSON body before a route or the store sees it (see nulPath). */
export function refuseNul(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    for (const [part, value] of [["params", request.params], ["query", request.query], ["body", request.body]] as const) {
      const path = nulPath(value);
      if (path !== undefined) throw new TelecalError("TC_ERR_VALIDATION", { what: `request ${part}`, issues: `${path}: NUL (U+0000) is not allowed` });
    }
  });
}
