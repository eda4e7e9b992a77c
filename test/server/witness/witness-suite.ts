import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WitnessCheckpointsResponse } from "@telecal/protocols";
import { checkpointSignatureValid, cosignatureValid, startServer, type TelecalServer, type WitnessOutcome } from "@telecal/server";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTelecalToEnd } from "../../fakes/cli";
import { rewriteReading, shrinkLog, signCheckpointNow } from "../../fakes/rewrite-history";
import { batch, hello } from "../store/store-suite";

export interface WitnessSuiteOptions {
  name: string;
  /** A fresh database URL for the witness's own store. */
  fresh: () => Promise<string>;
  tearDown: () => Promise<void>;
}

/** A lab server on SQLite in a data dir of its own, checkpoints on demand. */
export async function startLab(): Promise<{ server: TelecalServer; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-lab-"));
  const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir, records: { checkpointIntervalMs: 0 } });
  await server.store.announce(hello("lab-a"));
  return { server, dataDir };
}

const verify = (...args: string[]) => runTelecalToEnd(["verify", ...args]);

export const statusOf = (outcomes: WitnessOutcome[], lab: TelecalServer) => outcomes.find((o) => o.log === lab.url);

/** Lab and witness as two real servers over HTTP; the witness's store is the one under test. */
export function witnessSuite(options: WitnessSuiteOptions): void {
  describe(`witness of another server's record log (witness store on ${options.name})`, () => {
    const labs: { server: TelecalServer; dataDir: string }[] = [];
    let witness: TelecalServer;
    const errors: { msg: string; reason: string }[] = [];
    const poll = () => witness.witness!.pollAll();
    const checkpointsOf = async (log: string) => fetch(`${witness.url}/api/witness/checkpoints?log=${log}`);

    beforeAll(async () => {
      labs.push(await startLab(), await startLab());
      const logger = pino({ level: "error" }, { write: (line: string) => void errors.push(JSON.parse(line) as { msg: string; reason: string }) });
      witness = await startServer({ host: "127.0.0.1", port: 0, logger, webRoot: null, databaseUrl: await options.fresh(), witness: { of: labs.map((l) => l.server.url), intervalMs: 0 } });
    });
    afterAll(async () => {
      await witness?.close();
      for (const lab of labs) {
        await lab.server.close();
        rmSync(lab.dataDir, { recursive: true, force: true });
      }
      await options.tearDown();
    });

    it("countersigns each new checkpoint once consistency is proven, and serves them with its key", async () => {
      const lab = labs[0]!.server;
      expect(statusOf(await poll(), lab)?.status).toBe("no-checkpoint");
      await lab.store.readings.storeBatch("lab-a", batch(0, 5));
      await lab.checkpoints.checkpoint();
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "countersigned", witnessed: { checkpoint: { treeSize: 1 } } });
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "unchanged", treeSize: 1 });
      await lab.store.readings.storeBatch("lab-a", batch(5, 5));
      await lab.store.readings.storeBatch("lab-a", batch(10, 5));
      await lab.checkpoints.checkpoint();
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "countersigned", witnessed: { checkpoint: { treeSize: 3 } } });

      const logKey = lab.checkpoints.key.publicKey;
      const res = await checkpointsOf(logKey.keyId);
      expect(res.status).toBe(200);
      const body = WitnessCheckpointsResponse.parse(await res.json());
      expect(body.witnessKey.keyId).toBe(witness.witness!.key.publicKey.keyId);
      expect(body.checkpoints.map((w) => w.checkpoint.treeSize)).toEqual([1, 3]);
      for (const w of body.checkpoints) {
        expect(cosignatureValid(w, body.witnessKey.spki)).toBe(true);
        expect(checkpointSignatureValid(w.checkpoint, logKey.spki)).toBe(true);
        expect(cosignatureValid({ ...w, witnessedAt: w.witnessedAt + 1 }, body.witnessKey.spki)).toBe(false);
        expect(cosignatureValid({ ...w, checkpoint: { ...w.checkpoint, treeSize: 2 } }, body.witnessKey.spki)).toBe(false);
      }
      expect(body.alarms).toEqual([]);
      expect(body.next).toBeNull();
      // Pages: `next` is the tree size to ask after.
      const page1 = WitnessCheckpointsResponse.parse(await (await fetch(`${witness.url}/api/witness/checkpoints?log=${logKey.keyId}&limit=1`)).json());
      expect([page1.checkpoints.map((w) => w.checkpoint.treeSize), page1.next]).toEqual([[1], 1]);
      const page2 = WitnessCheckpointsResponse.parse(await (await fetch(`${witness.url}/api/witness/checkpoints?log=${logKey.keyId}&limit=1&after=1`)).json());
      expect([page2.checkpoints.map((w) => w.checkpoint.treeSize), page2.next]).toEqual([[3], null]);
    });

    it("refuses a bad or unknown log id, and answers TC_ERR_NOT_A_WITNESS on a server that witnesses none", async () => {
      const bad = await checkpointsOf("nope");
      expect([bad.status, ((await bad.json()) as { code: string }).code]).toEqual([400, "TC_ERR_VALIDATION"]);
      const unknown = await checkpointsOf("0123456789abcdef");
      expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([404, "TC_ERR_WITNESS_UNKNOWN_LOG"]);
      const lab = await fetch(`${labs[0]!.server.url}/api/witness/checkpoints?log=0123456789abcdef`);
      expect([lab.status, ((await lab.json()) as { code: string }).code]).toEqual([404, "TC_ERR_NOT_A_WITNESS"]);
    });

    it("a history rewritten with the lab's own key: the witness refuses the next checkpoint, and verify --witness names the first differing one (exit 4)", async () => {
      const { server: lab, dataDir } = labs[0]!;
      const before = WitnessCheckpointsResponse.parse(await (await checkpointsOf(lab.checkpoints.key.publicKey.keyId)).json());
      const clean = await verify("--data-dir", dataDir, "--witness", witness.url);
      expect(clean.stdout).toContain(`witness ${witness.url} (key ${before.witnessKey.keyId}): OK: 2 countersigned checkpoints, up to tree size 3`);
      expect(clean.status).toBe(0);

      // Reading seq 2 sits in record 1: every checkpoint's root changes, and each is signed again.
      await rewriteReading(lab.store.db, lab.checkpoints.key, { agentId: "lab-a", streamId: "dmm1.dcv", seq: 2, value: 10.5 });
      // The re-signed checkpoint of size 3 has another root: a fork.
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "alarm", reason: "tree size 3 with another root than the one countersigned before: the history was rewritten" });
      await lab.store.readings.storeBatch("lab-a", batch(15, 5));
      await signCheckpointNow(lab.store.db, lab.checkpoints.key, Date.now());
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "alarm", reason: "not consistent with tree size 3 countersigned before: the history under it was rewritten" });

      const res = await verify("--data-dir", dataDir, "--witness", witness.url);
      // The log alone verifies: the forger recomputed the chain and re-signed every checkpoint.
      expect(res.stdout).toContain("telecal verify: OK: 4 records");
      const first = before.checkpoints[0]!;
      expect(res.stdout).toContain(`FAILED: 2 of 2 countersigned checkpoints differ from the log`);
      expect(res.stdout).toContain(
        `first differing checkpoint: tree size 1, made ${new Date(first.checkpoint.time).toISOString()}, countersigned ${new Date(first.witnessedAt).toISOString()}: its root ${first.checkpoint.rootHash.slice(0, 16)}... is not the root of records 1..1`,
      );
      // Both alarms, each with the witness's evidence, are shown to whoever verifies.
      expect(res.stdout).toMatch(/alarm \S+Z: tree size 3 with another root/);
      expect(res.stdout).toMatch(/alarm \S+Z: not consistent with tree size 3 countersigned before: the history under it was rewritten \(offered tree size 4, after 3\)/);
      const alarms = WitnessCheckpointsResponse.parse(await (await checkpointsOf(lab.checkpoints.key.publicKey.keyId)).json()).alarms;
      expect(alarms.map((a) => [a.previous?.rootHash, a.offered.treeSize])).toEqual([
        [before.checkpoints[1]!.checkpoint.rootHash, 3],
        [before.checkpoints[1]!.checkpoint.rootHash, 4],
      ]);
      expect(res.status).toBe(4);

      const unreachable = await verify("--data-dir", dataDir, "--witness", "http://127.0.0.1:9");
      expect(unreachable.stdout).toContain("witness http://127.0.0.1:9: FAILED: GET http://127.0.0.1:9/api/witness/checkpoints");
      expect(unreachable.status).toBe(5);
    });

    it("flags a lab whose tree shrank: keeps both checkpoints, logs an error, does not countersign", async () => {
      const lab = labs[1]!.server;
      await lab.store.readings.storeBatch("lab-a", batch(0, 5));
      await lab.checkpoints.checkpoint();
      expect(statusOf(await poll(), lab)?.status).toBe("countersigned");
      await lab.store.readings.storeBatch("lab-a", batch(5, 5));
      await lab.checkpoints.checkpoint();
      expect(statusOf(await poll(), lab)).toMatchObject({ status: "countersigned", witnessed: { checkpoint: { treeSize: 2 } } });
      // An older backup put back: the log holds one record and its checkpoint of size 1 again.
      await shrinkLog(lab.store.db, 1);
      const outcome = statusOf(await poll(), lab);
      expect(outcome).toMatchObject({ status: "alarm", reason: "the log shrank: tree size 1, below the 2 countersigned before" });
      expect(errors.filter((e) => e.reason === "the log shrank: tree size 1, below the 2 countersigned before")).toHaveLength(1);
      // Looked at again: the same evidence, one alarm row; still not countersigned.
      expect(statusOf(await poll(), lab)?.status).toBe("alarm");
      const body = WitnessCheckpointsResponse.parse(await (await checkpointsOf(lab.checkpoints.key.publicKey.keyId)).json());
      expect(body.checkpoints.map((w) => w.checkpoint.treeSize)).toEqual([1, 2]);
      expect(body.alarms).toHaveLength(1);
      expect(body.alarms[0]).toMatchObject({ logUrl: lab.url, reason: expect.stringContaining("shrank"), previous: { treeSize: 2 }, offered: { treeSize: 1 } });
    });
  });
}
