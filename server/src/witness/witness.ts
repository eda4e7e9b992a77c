import type { Checkpoint, WitnessedCheckpoint } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import { checkpointSignatureValid } from "../records/checkpoints";
import { verifyConsistency } from "../records/consistency";
import type { SigningKey } from "../records/keys";
import { cosign } from "./cosignature";
import { LabClient, LabRefused } from "./lab-client";
import type { WitnessRepository } from "./repository";

/** What one look at a lab's log came to. */
export type WitnessOutcome =
  | { log: string; status: "countersigned"; witnessed: WitnessedCheckpoint }
  | { log: string; status: "unchanged" | "no-checkpoint"; treeSize?: number }
  | { log: string; status: "alarm"; reason: string; offered: Checkpoint; previous: Checkpoint | null }
  | { log: string; status: "unreachable"; reason: string };

const hex = (h: string) => Buffer.from(h, "hex");

/**
 * Witnesses other servers' record logs: fetches each one's latest checkpoint, checks the lab's
 * signature against the keys it publishes and the consistency with the last checkpoint countersigned
 * for that log, then countersigns and keeps it. A checkpoint that does not follow (shrunk, forked,
 * unprovable) is never countersigned: the evidence is kept and an alarm raised.
 */
export class Witness {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private readonly stopping = new AbortController();

  constructor(
    readonly logs: readonly string[],
    readonly key: SigningKey,
    readonly repository: WitnessRepository,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.logs.length === 0) return;
    this.timer = setInterval(() => void this.pollAll(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort();
    await this.running.catch(() => undefined);
  }

  /** Looks at every log once, one after the other (also on demand: tests, operators). */
  pollAll(now = Date.now()): Promise<WitnessOutcome[]> {
    const run = this.running.catch(() => undefined).then(async () => {
      const outcomes: WitnessOutcome[] = [];
      for (const url of this.logs) outcomes.push(await this.poll(url, now));
      return outcomes;
    });
    this.running = run;
    return run;
  }

  private async poll(url: string, now: number): Promise<WitnessOutcome> {
    try {
      return await this.look(url, now);
    } catch (err) {
      if (err instanceof LabRefused && err.code === "TC_ERR_NO_CHECKPOINT") return { log: url, status: "no-checkpoint" };
      const reason = err instanceof Error ? err.message : String(err);
      // A lab out of reach is no evidence against it: the next look tries again.
      this.log.warn({ log: url, reason }, "witness: could not reach the log");
      return { log: url, status: "unreachable", reason };
    }
  }

  private async look(url: string, now: number): Promise<WitnessOutcome> {
    const lab = new LabClient(url, this.stopping.signal);
    const { checkpoint: offered } = await lab.latest();
    const last = await this.repository.last(url);
    const previous = last?.checkpoint ?? null;
    const alarm = (reason: string) => this.alarm(url, reason, previous, offered, now);
    const key = (await lab.logKeys()).find((k) => k.keyId === offered.keyId);
    if (!key) return alarm(`signed with key ${offered.keyId}, which the log does not publish`);
    if (!checkpointSignatureValid(offered, key.spki)) return alarm("the log's signature does not verify");
    if (previous) {
      if (offered.treeSize < previous.treeSize) return alarm(`the log shrank: tree size ${offered.treeSize}, below the ${previous.treeSize} countersigned before`);
      if (offered.treeSize === previous.treeSize) {
        if (offered.rootHash === previous.rootHash) return { log: url, status: "unchanged", treeSize: offered.treeSize };
        return alarm(`tree size ${offered.treeSize} with another root than the one countersigned before: the history was rewritten`);
      }
      let proof: string[];
      try {
        const answer = await lab.consistency(previous.treeSize, offered.treeSize);
        if (answer.second.rootHash !== offered.rootHash) return alarm(`the log's checkpoint of tree size ${offered.treeSize} changed while being witnessed`);
        proof = answer.proof;
      } catch (err) {
        if (err instanceof LabRefused) return alarm(`the log cannot prove consistency from tree size ${previous.treeSize}: ${err.code}: ${err.message}`);
        throw err;
      }
      if (!verifyConsistency(previous.treeSize, offered.treeSize, proof.map(hex), hex(previous.rootHash), hex(offered.rootHash))) {
        return alarm(`not consistent with tree size ${previous.treeSize} countersigned before: the history under it was rewritten`);
      }
    }
    const witnessed = cosign(offered, this.key, now);
    await this.repository.keep(url, witnessed);
    this.log.info({ log: url, treeSize: offered.treeSize, logKeyId: offered.keyId }, "witness: countersigned a checkpoint");
    return { log: url, status: "countersigned", witnessed };
  }

  private async alarm(url: string, reason: string, previous: Checkpoint | null, offered: Checkpoint, now: number): Promise<WitnessOutcome> {
    const isNew = await this.repository.alarm(url, reason, previous, offered, now);
    this.log.error({ log: url, reason, previous, offered, newAlarm: isNew }, "witness: ALARM: a checkpoint does not follow from the last one countersigned; not countersigned");
    return { log: url, status: "alarm", reason, offered, previous };
  }
}
