import { CheckpointResponse, ConsistencyProofResponse } from "@telecal/protocols";
import { z } from "zod";

/** The part of GET /.well-known/telecal-keys.json a witness reads; other fields (newer servers) are let be. */
const PublishedLogKeys = z.object({ recordLog: z.array(z.object({ keyId: z.string(), spki: z.string() })) });

/** How long one request to a lab server may take. */
export const LAB_REQUEST_TIMEOUT_MS = 15_000;

/** The lab answered with a registry error: its refusal is evidence, not a network fault. */
export class LabRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T extends z.ZodType>(url: string, schema: T): Promise<z.infer<T>> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(LAB_REQUEST_TIMEOUT_MS), headers: { accept: "application/json" } });
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${LAB_REQUEST_TIMEOUT_MS} ms` : String(err);
    throw new Error(`GET ${url}: ${why}`, { cause: err });
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = body as { code?: unknown; message?: unknown } | null;
    if (res.status >= 400 && res.status < 500 && typeof e?.code === "string") throw new LabRefused(res.status, e.code, typeof e.message === "string" ? e.message : "");
    throw new Error(`GET ${url}: HTTP ${res.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(`GET ${url}: the answer does not parse: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

/** A lab server's public record-log side, as a witness reads it. */
export class LabClient {
  readonly base: string;

  constructor(url: string) {
    this.base = url.replace(/\/+$/, "");
  }

  latest(): Promise<CheckpointResponse> {
    return getJson(`${this.base}/api/records/checkpoint`, CheckpointResponse);
  }

  /** The record-log keys the lab publishes at its well-known address. */
  async logKeys(): Promise<{ keyId: string; spki: string }[]> {
    return (await getJson(`${this.base}/.well-known/telecal-keys.json`, PublishedLogKeys)).recordLog;
  }

  consistency(first: number, second: number): Promise<ConsistencyProofResponse> {
    return getJson(`${this.base}/api/records/consistency?first=${first}&second=${second}`, ConsistencyProofResponse);
  }
}
