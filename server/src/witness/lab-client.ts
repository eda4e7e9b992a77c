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

/** A lab's answers are small (a proof is about 64 bytes per level); a larger one is refused unread. */
export const LAB_ANSWER_MAX_BYTES = 4 * 1024 * 1024;

/** The body, read until it passes `max` bytes at most: a hostile lab cannot fill the witness's memory. */
async function boundedText(res: Response, max: number): Promise<string> {
  const reader: ReadableStreamDefaultReader<Uint8Array> | undefined = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max) {
      await reader.cancel();
      throw new Error(`the answer is larger than ${max} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function getJson<T extends z.ZodType>(url: string, schema: T, stop: AbortSignal): Promise<z.infer<T>> {
  let res: Response;
  let text: string;
  try {
    // The time limit covers the body too: a lab that trickles bytes is cut off.
    res = await fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(LAB_REQUEST_TIMEOUT_MS), stop]), headers: { accept: "application/json" } });
    text = await boundedText(res, LAB_ANSWER_MAX_BYTES);
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${LAB_REQUEST_TIMEOUT_MS} ms` : err instanceof Error ? err.message : String(err);
    throw new Error(`GET ${url}: ${why}`, { cause: err });
  }
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: the status or the schema below says what is wrong.
  }
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

  constructor(
    url: string,
    /** Aborted when the witness stops: a request under way does not hold up the server's close. */
    private readonly stop: AbortSignal,
  ) {
    this.base = url.replace(/\/+$/, "");
  }

  latest(): Promise<CheckpointResponse> {
    return getJson(`${this.base}/api/records/checkpoint`, CheckpointResponse, this.stop);
  }

  /** The record-log keys the lab publishes at its well-known address. */
  async logKeys(): Promise<{ keyId: string; spki: string }[]> {
    return (await getJson(`${this.base}/.well-known/telecal-keys.json`, PublishedLogKeys, this.stop)).recordLog;
  }

  consistency(first: number, second: number): Promise<ConsistencyProofResponse> {
    return getJson(`${this.base}/api/records/consistency?first=${first}&second=${second}`, ConsistencyProofResponse, this.stop);
  }
}
