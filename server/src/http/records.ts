import { CheckpointResponse, ConsistencyProofResponse, ConsistencyQuery, InclusionProofResponse, RecordIdParams, TelecalError } from "@telecal/protocols";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { Checkpointer } from "../records/checkpoints";
import { consistencyBetween } from "../records/consistency-service";
import { recordsDb } from "../records/schema";

/** The record log's public side: signed checkpoints and inclusion proofs, hashes only. */
export function recordsRoutes(checkpoints: Checkpointer, db: object): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/api/records/checkpoint",
      {
        schema: {
          summary: "Latest signed checkpoint of the record log and the server's public key; no authentication",
          tags: ["records"],
          response: { 200: CheckpointResponse },
        },
      },
      async () => {
        const checkpoint = await checkpoints.latest();
        if (!checkpoint) throw new TelecalError("TC_ERR_NO_CHECKPOINT");
        return { checkpoint, publicKey: checkpoints.key.publicKey };
      },
    );
    app.get(
      "/api/records/:id/proof",
      {
        schema: {
          summary: "RFC 9162 inclusion proof of one record against the latest checkpoint; no authentication",
          tags: ["records"],
          params: RecordIdParams,
          response: { 200: InclusionProofResponse },
        },
      },
      async (request) => checkpoints.proof(request.params.id),
    );
    app.get(
      "/api/records/consistency",
      {
        schema: {
          summary: "RFC 9162 consistency proof between two checkpoints of the record log (by tree size); no authentication",
          tags: ["records"],
          querystring: ConsistencyQuery,
          response: { 200: ConsistencyProofResponse },
        },
      },
      async (request) => consistencyBetween(recordsDb(db), request.query.first, request.query.second),
    );
  };
}
