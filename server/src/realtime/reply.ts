import { type ErrorBody, isTelecalError, type Reply, TelecalError } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";

export function errorBody(err: unknown, log: FastifyBaseLogger): ErrorBody {
  if (isTelecalError(err)) return err.toBody();
  log.error({ err }, "unexpected error in socket handler");
  return new TelecalError("TC_ERR_INTERNAL", { reason: "see server log" }).toBody();
}

/**
 * Calls `ack` if the peer sent one; a peer that sends no callback gets the outcome as a
 * `problem` event instead, so that a malformed event is always answered and never kills the socket.
 */
export function answer<T>(
  ack: unknown,
  reply: Reply<T>,
  problem: (error: ErrorBody) => void,
): void {
  if (typeof ack === "function") (ack as (r: Reply<T>) => void)(reply);
  else if (!reply.ok) problem(reply.error);
}
