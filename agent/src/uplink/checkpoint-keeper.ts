import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { AgentCheckpointAnswer, type Checkpoint, CheckpointResponse, type RecordsPublicKey, type Reply } from "@telecal/protocols";
import type { Logger } from "../log";
import { checkpointSigned, consistencyHolds, inclusionHolds, recordLeafHash } from "./log-proofs";

/** How often the agent asks for a newer checkpoint while its batches are being acknowledged. */
export const DEFAULT_CHECKPOINT_ASK_MS = 60_000;

/** The file in the agent's data dir: the JSON of GET /api/records/checkpoint, which `telecal verify --from` reads. */
export const CHECKPOINT_FILE = "checkpoint.json";

export interface CheckpointKeeperOptions {
  file: string;
  agentId: string;
  log: Logger;
  /** Asks the server over /agent; rejects when no answer came in time. */
  ask: (since?: number) => Promise<Reply<AgentCheckpointAnswer>>;
  /** The record-log keys the server publishes (GET /.well-known/telecal-keys.json). */
  logKeys: () => Promise<RecordsPublicKey[]>;
  intervalMs?: number;
}

/** What one ask came to: a newer checkpoint kept, the same one, none yet, no answer, or one refused as evidence of a rewrite. */
export type KeepOutcome = "kept" | "same" | "not-yet" | "no-answer" | "rejected";

const named = (cp: Checkpoint) => ({ treeSize: cp.treeSize, rootHash: cp.rootHash, time: new Date(cp.time).toISOString(), keyId: cp.keyId });

/**
 * Keeps, in the agent's data dir, the latest signed checkpoint of the server's record log that
 * covers one of this agent's batches: a copy of the log's head held outside the lab server. A
 * newer checkpoint replaces it only when it is signed by a key the server publishes, proves the
 * agent's batch record included, and is proven consistent with the kept one; otherwise the kept one
 * stays, as evidence, and the refusal is logged with both.
 */
export class CheckpointKeeper {
  private kept: CheckpointResponse | null;
  private dirty = false;
  private lastAsk = Number.NEGATIVE_INFINITY;
  private busy = false;
  private keys: RecordsPublicKey[] | null = null;
  /** Why the last offered checkpoint was refused; null after one was kept. */
  lastRejection: string | null = null;

  constructor(private readonly options: CheckpointKeeperOptions) {
    this.kept = this.readKept();
  }

  /** The checkpoint kept now. */
  get checkpoint(): Checkpoint | null {
    return this.kept?.checkpoint ?? null;
  }

  /** A batch was acknowledged: the next tick may ask. */
  acked(): void {
    this.dirty = true;
  }

  /** Asks when batches were acknowledged since the last kept checkpoint, at most once per interval. */
  tick(now = Date.now()): void {
    if (!this.dirty || this.busy || now - this.lastAsk < (this.options.intervalMs ?? DEFAULT_CHECKPOINT_ASK_MS)) return;
    this.lastAsk = now;
    this.busy = true;
    void this.refresh()
      .catch((err: unknown) => this.options.log.warn({ err: String(err) }, "checkpoint ask failed"))
      .finally(() => (this.busy = false));
  }

  /** One ask and what came of it. */
  async refresh(): Promise<KeepOutcome> {
    const log = this.options.log;
    let reply: Reply<AgentCheckpointAnswer>;
    try {
      reply = await this.options.ask(this.kept?.checkpoint.treeSize);
    } catch {
      return "no-answer";
    }
    if (!reply.ok) {
      // Nothing covers our batches yet: normal until the server's next checkpoint.
      if (reply.error.code === "TC_ERR_AGENT_NOT_CHECKPOINTED") return "not-yet";
      log.warn({ error: reply.error }, "server refused the checkpoint ask");
      return "no-answer";
    }
    // The answer without its `ok`: the schema is strict.
    const body: Record<string, unknown> = { ...reply };
    delete body["ok"];
    const parsed = AgentCheckpointAnswer.safeParse(body);
    if (!parsed.success) return this.reject(`the answer is malformed: ${parsed.error.message}`);
    const answer = parsed.data;
    const why = (await this.keyProblem(answer)) ?? this.inclusionProblem(answer) ?? this.consistencyProblem(answer);
    if (why) return this.reject(why, answer.checkpoint);
    this.dirty = false;
    this.lastRejection = null;
    if (this.kept && this.kept.checkpoint.treeSize === answer.checkpoint.treeSize) return "same";
    this.write({ checkpoint: answer.checkpoint, publicKey: answer.publicKey });
    log.info({ checkpoint: named(answer.checkpoint), file: this.options.file }, "kept the record log's checkpoint");
    return "kept";
  }

  private reject(why: string, offered?: Checkpoint): KeepOutcome {
    this.lastRejection = why;
    this.options.log.error(
      { reason: why, kept: this.kept && named(this.kept.checkpoint), offered: offered && named(offered), file: this.options.file },
      "the server's checkpoint was refused; the kept one stays as evidence",
    );
    return "rejected";
  }

  /** Signed by a record-log key the server publishes (asked again once for a key not seen before). */
  private async keyProblem(a: AgentCheckpointAnswer): Promise<string | null> {
    const published = async (fresh: boolean) => {
      if (fresh || !this.keys) this.keys = await this.options.logKeys();
      return this.keys.find((k) => k.keyId === a.checkpoint.keyId && k.spki === a.publicKey.spki && k.keyId === a.publicKey.keyId);
    };
    let key;
    try {
      key = (await published(false)) ?? (await published(true));
    } catch (err) {
      return `the server's record-log keys could not be read: ${String(err)}`;
    }
    if (!key) return `signed with key ${a.checkpoint.keyId}, which the server does not publish as a record-log key`;
    return checkpointSigned(a.checkpoint, key.spki) ? null : `its signature does not verify with key ${key.keyId}`;
  }

  /** The record is one of this agent's batches, and the audit path leads from its leaf to the checkpoint's root. */
  private inclusionProblem(a: AgentCheckpointAnswer): string | null {
    const r = a.record;
    if (r.actor !== `agent:${this.options.agentId}` || !r.stream.startsWith(`${this.options.agentId}/`)) return `record ${r.id} is not a batch of this agent`;
    if (recordLeafHash(r) !== r.leafHash) return `record ${r.id}'s leaf hash does not follow from the record`;
    if (!inclusionHolds(r.leafHash, r.id - 1, a.checkpoint.treeSize, r.auditPath, a.checkpoint.rootHash)) {
      return `the inclusion proof of record ${r.id} does not lead to root ${a.checkpoint.rootHash}`;
    }
    return null;
  }

  /** Not smaller than the kept one, and proven to extend it. */
  private consistencyProblem(a: AgentCheckpointAnswer): string | null {
    const kept = this.kept?.checkpoint;
    const cp = a.checkpoint;
    if (!kept) return null;
    if (cp.treeSize < kept.treeSize) return `the log shrank: tree size ${cp.treeSize} offered, ${kept.treeSize} kept`;
    if (a.consistency === null) return `no consistency proof from the kept tree size ${kept.treeSize}`;
    if (!consistencyHolds(kept.treeSize, cp.treeSize, a.consistency, kept.rootHash, cp.rootHash)) {
      return `not consistent with the kept checkpoint (tree size ${kept.treeSize}, root ${kept.rootHash})`;
    }
    return null;
  }

  private readKept(): CheckpointResponse | null {
    let text: string;
    try {
      text = readFileSync(this.options.file, "utf8");
    } catch {
      return null;
    }
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: refused below like any other file that is no checkpoint.
    }
    const parsed = CheckpointResponse.safeParse(json);
    if (parsed.success) return parsed.data;
    // Moved aside, never overwritten: it may be the evidence someone tampered with. The agent keeps measuring.
    const aside = `${this.options.file}.invalid-${Date.now()}`;
    renameSync(this.options.file, aside);
    this.options.log.error({ file: this.options.file, movedTo: aside }, "the kept checkpoint file is not a saved checkpoint: moved aside, starting afresh");
    return null;
  }

  /** Written to a new file, synced, then renamed over the old one: a crash leaves one or the other whole. */
  private write(saved: CheckpointResponse): void {
    const next = `${this.options.file}.new`;
    writeFileSync(next, `${JSON.stringify(saved, null, 2)}\n`);
    const fd = openSync(next, "r+");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(next, this.options.file);
    this.kept = saved;
  }
}
