import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RecordsPublicKey } from "@telecal/protocols";
import { CHECKPOINT_FILE, DATABASE_FILE, databaseUrlFor, describeLosses, RECORDS_KEY_FILE, readCheckpointFile, readPublicKey, verifyDatabase, type VerifyReport } from "@telecal/server";
import type { Command } from "commander";
import { addExtraVerifyOptions, type ExtraVerifyOptions, runExtraChecks } from "./verify-extra";

interface VerifyCliOptions extends ExtraVerifyOptions {
  dataDir: string;
  database?: string;
  key?: string;
  checkpointInterval: string;
}

/** One line per finding; the first bad record and the first bad checkpoint, each named. */
export function describeReport(report: VerifyReport, keys: string): string {
  const counts = `${report.records} records in ${report.streams} streams, ${report.checkpoints} checkpoints, ${report.readings} readings`;
  // Readings an agent could not keep are not a fault of the log, but nobody may miss them.
  // So are acknowledged readings the server lost (a regression alarm) and seqs no agent still held.
  const gaps = describeLosses(report.gaps, report.regressions);
  const u = report.uncovered;
  if (u) gaps.push(`uncovered: ${u.count} records after the latest checkpoint (ids ${u.firstId}.., appended ${new Date(u.firstAt).toISOString()} to ${new Date(u.lastAt).toISOString()})`);
  for (const g of report.restores) {
    gaps.push(`restored: record ${g.recordId}: on ${new Date(g.acceptedAt).toISOString()} the server accepted a log of ${g.logSize} records, older than its last checkpoint (tree size ${g.lastTreeSize}): ${g.reason}`);
  }
  if (report.unsignedBatches > 0) gaps.push(`unsigned: ${report.unsignedBatches} reading batches carry no agent signature (overlapping resends stored before records kept it)`);
  const tail = gaps.length > 0 ? `${gaps.join("\n")}\n` : "";
  if (report.ok) return `telecal verify: OK: ${counts} (checkpoint keys: ${keys})\n${tail}`;
  const lines = [`telecal verify: FAILED: ${counts} (checkpoint keys: ${keys})`, ...gaps];
  const r = report.firstBadRecord;
  if (r) {
    const ids = r.lastId === undefined ? `id ${r.id}` : `among ids ${r.id}..${r.lastId}, from id ${r.id}`;
    lines.push(`first bad record: ${ids}, kind ${r.kind ?? "(unknown)"}, stream ${r.stream ?? "(unknown)"}, seq ${r.seq ?? "(unknown)"}: ${r.reason}`);
  }
  const c = report.firstBadCheckpoint;
  if (c) lines.push(`first bad checkpoint: tree size ${c.treeSize}, made ${new Date(c.time).toISOString()}: ${c.reason}`);
  return `${lines.join("\n")}\n`;
}

export function verifyCommand(program: Command): void {
  addExtraVerifyOptions(program.command("verify"))
    .description("recompute the record log's hash chains and signed checkpoints / 校验记录日志")
    .option("--data-dir <dir>", "the data dir whose telecal.db (and records-key.pem) to verify", "./data")
    .option("--database <url>", "postgres://... to verify instead (default: DATABASE_URL)")
    .option("--key <file>", "the server's key file (private or public PEM) that signs checkpoints")
    .option("--checkpoint-interval <seconds>", "the server's checkpoint interval: records left uncovered over longer (plus 60 s) fail; 0: only report them", "60")
    .action(async (opts: VerifyCliOptions) => {
      const dataDir = resolve(opts.dataDir);
      const databaseUrl = opts.database ?? (process.env["DATABASE_URL"] || undefined);
      if (!databaseUrl && !existsSync(join(dataDir, DATABASE_FILE))) {
        process.stderr.write(`telecal verify: no ${DATABASE_FILE} in ${dataDir}\n`);
        process.exitCode = 2;
        return;
      }
      const keyPath = opts.key ?? (existsSync(join(dataDir, RECORDS_KEY_FILE)) ? join(dataDir, RECORDS_KEY_FILE) : undefined);
      const trustedKeys: RecordsPublicKey[] | undefined = keyPath ? [readPublicKey(keyPath)] : undefined;
      // The last checkpoint the server kept beside its key: a log cut with its checkpoints shows here.
      const keptFile = join(dataDir, CHECKPOINT_FILE);
      const keptCheckpoint = existsSync(keptFile) ? readCheckpointFile(keptFile) : undefined;
      const interval = Number(opts.checkpointInterval);
      if (!Number.isFinite(interval) || interval < 0) {
        process.stderr.write(`telecal verify: --checkpoint-interval ${opts.checkpointInterval}: give seconds, 0 or more\n`);
        process.exitCode = 2;
        return;
      }
      let report: Awaited<ReturnType<typeof verifyDatabase>>;
      const url = databaseUrlFor({ dataDir, databaseUrl });
      try {
        report = await verifyDatabase(url, { trustedKeys, checkpointIntervalMs: interval * 1000, keptCheckpoint });
      } catch (err) {
        // No records table (a database from before migration 0003), no connection, ...
        process.stderr.write(`telecal verify: cannot read the record log: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
        return;
      }
      const keys = keyPath ?? "registered in the database itself; pin the server's key with --key";
      process.stdout.write(`${report.where}\n${describeReport(report, keys)}`);
      // Checks against what is kept outside the log (--from, --witness): docs/operations.md.
      const extra = await runExtraChecks(opts, { databaseUrl: url, ...(trustedKeys ? { trustedKeys } : {}) }, report.ok ? 0 : 1);
      process.stdout.write(extra.text);
      if (extra.exitCode !== 0) process.exitCode = extra.exitCode;
    });
}
