import { TelecalError, WITNESS_ALARMS_SHOWN, WitnessCheckpointsQuery, WitnessCheckpointsResponse } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Witness } from "../witness/witness";

/** A witness's public side: what it countersigned for a log, its alarms, and its key. */
export function witnessRoutes(witness: Witness | null): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/witness/checkpoints",
      {
        schema: {
          summary: "Checkpoints of a record log (by its key id) this server countersigned as a witness, its alarms and its witness key; no authentication",
          tags: ["records"],
          querystring: WitnessCheckpointsQuery,
          response: { 200: WitnessCheckpointsResponse },
        },
      },
      async (request, reply) => {
        if (!witness) throw new TelecalError("TC_ERR_NOT_A_WITNESS");
        const { log, after, limit } = request.query;
        // One more than asked tells whether there is a next page.
        const [page, alarms] = await Promise.all([witness.repository.checkpointsOf(log, after, limit + 1), witness.repository.alarmsOf(log, WITNESS_ALARMS_SHOWN)]);
        if (after === 0 && page.length === 0 && alarms.length === 0) throw new TelecalError("TC_ERR_WITNESS_UNKNOWN_LOG", { log });
        const checkpoints = page.slice(0, limit);
        const next = page.length > limit ? checkpoints.at(-1)!.checkpoint.treeSize : null;
        return reply.header("cache-control", "no-cache").send({ format: "telecal-witness/v1" as const, witnessKey: witness.key.publicKey, log, checkpoints, next, alarms });
      },
    );
  };
}
