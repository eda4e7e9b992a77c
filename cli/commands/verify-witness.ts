import { type WitnessedCheckpoint, WitnessCheckpointsResponse } from "@telecal/protocols";
import { checkpointsAgainstDatabase, cosignatureValid, registeredLogKeys } from "@telecal/server";
import { type CheckOutcome, iso, type LogAt, VERIFY_EXIT } from "./verify-exit";

const WITNESS_TIMEOUT_MS = 30_000;

type Fetched = { ok: true; body: WitnessCheckpointsResponse } | { ok: false; unknown: boolean; reason: string };

/** One page of GET /api/witness/checkpoints?log=KEYID&after=N. */
async function fetchPage(base: string, logKeyId: string, after: number): Promise<Fetched> {
  const url = `${base}/api/witness/checkpoints?log=${logKeyId}&after=${after}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS) });
  } catch (err) {
    const why = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${WITNESS_TIMEOUT_MS} ms` : String(err);
    return { ok: false, unknown: false, reason: `GET ${url}: ${why}` };
  }
  const json: unknown = await res.json().catch(() => null);
  const code = (json as { code?: unknown } | null)?.code;
  if (!res.ok) return { ok: false, unknown: code === "TC_ERR_WITNESS_UNKNOWN_LOG", reason: `GET ${url}: HTTP ${res.status}${typeof code === "string" ? ` ${code}` : ""}` };
  const parsed = WitnessCheckpointsResponse.safeParse(json);
  if (!parsed.success) return { ok: false, unknown: false, reason: `GET ${url}: not a witness's answer: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  return { ok: true, body: parsed.data };
}

/** Every page: the checkpoints of all, the key and alarms of the first (the key must not change). */
async function fetchWitnessed(base: string, logKeyId: string): Promise<Fetched> {
  const first = await fetchPage(base, logKeyId, 0);
  if (!first.ok) return first;
  const body = { ...first.body, checkpoints: [...first.body.checkpoints] };
  for (let next = first.body.next; next !== null; ) {
    const page = await fetchPage(base, logKeyId, next);
    if (!page.ok) return page;
    if (page.body.witnessKey.spki !== body.witnessKey.spki) return { ok: false, unknown: false, reason: "the witness key changed between pages" };
    // A next that does not move on would never end.
    if (page.body.next !== null && page.body.next <= next) return { ok: false, unknown: false, reason: `the witness's pages do not move on after tree size ${next}` };
    body.checkpoints.push(...page.body.checkpoints);
    next = page.body.next;
  }
  return { ok: true, body };
}

const describeWitnessed = (w: WitnessedCheckpoint) => `tree size ${w.checkpoint.treeSize}, made ${iso(w.checkpoint.time)}, countersigned ${iso(w.witnessedAt)}`;

/**
 * `telecal verify --witness URL`: every checkpoint the witness countersigned for this log (by the
 * log's key ids) carries a valid countersignature, and the local log bears each one out. A history
 * rewritten with the lab's own key fails here even when the log alone verifies.
 */
export async function checkWitness(witnessUrl: string, log: LogAt): Promise<CheckOutcome> {
  const base = witnessUrl.replace(/\/+$/, "");
  const keys = log.trustedKeys ?? (await registeredLogKeys(log.databaseUrl));
  const unusable = (reason: string): CheckOutcome => ({ lines: [`witness ${base}: FAILED: ${reason}`], exitCode: VERIFY_EXIT.witnessUnusable });
  if (keys.length === 0) return unusable("the log has no checkpoint key to ask the witness about");
  const witnessed: WitnessedCheckpoint[] = [];
  const lines: string[] = [];
  let witnessKey: string | undefined;
  for (const k of keys) {
    const got = await fetchWitnessed(base, k.keyId);
    if (!got.ok && got.unknown) continue;
    if (!got.ok) return unusable(got.reason);
    const { body } = got;
    witnessKey = body.witnessKey.keyId;
    for (const w of body.checkpoints) {
      if (w.witnessKeyId !== body.witnessKey.keyId || !cosignatureValid(w, body.witnessKey.spki)) {
        return unusable(`the countersignature of the checkpoint of ${describeWitnessed(w)} does not verify under the witness key ${body.witnessKey.keyId}`);
      }
      witnessed.push(w);
    }
    for (const a of body.alarms) lines.push(`witness ${base}: alarm ${iso(a.raisedAt)}: ${a.reason} (offered tree size ${a.offered.treeSize}${a.previous ? `, after ${a.previous.treeSize}` : ""})`);
  }
  if (witnessed.length === 0) return unusable(`it has countersigned no checkpoint of this log (keys ${keys.map((k) => k.keyId).join(", ")})`);
  const named = `witness ${base} (key ${witnessKey})`;
  const differing = await checkpointsAgainstDatabase(log.databaseUrl, witnessed.map((w) => w.checkpoint), log.trustedKeys ? { trustedKeys: log.trustedKeys } : {});
  const first = differing[0];
  if (first) {
    const w = witnessed.find((x) => x.checkpoint === first.checkpoint)!;
    lines.unshift(`${named}: FAILED: ${differing.length} of ${witnessed.length} countersigned checkpoints differ from the log`, `first differing checkpoint: ${describeWitnessed(w)}: ${first.reason}`);
    return { lines, exitCode: VERIFY_EXIT.witnessDiffers };
  }
  const last = witnessed.reduce((a, b) => (b.checkpoint.treeSize > a.checkpoint.treeSize ? b : a));
  lines.unshift(`${named}: OK: ${witnessed.length} countersigned checkpoints, up to ${describeWitnessed(last)}, all borne out by the log`);
  return { lines, exitCode: VERIFY_EXIT.ok };
}
