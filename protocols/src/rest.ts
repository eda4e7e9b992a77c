import { z } from "zod";

/** GET /api/health: answered without authentication, for probes and for people. */
export const HealthResponse = z.strictObject({
  status: z.literal("ok"),
  version: z.string(),
  protocol: z.number().int(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
