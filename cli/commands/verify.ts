import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { RecordsPublicKey } from "@telecal/protocols";
import { DATABASE_FILE, databaseUrlFor, RECORDS_KEY_FILE, readPublicKey, verifyDatabase, type VerifyReport } from "@telecal/server";
import type { Command } from "commander";
import { addExtraVerifyOptions, type ExtraVerifyOptions, runExtraChecks } from "./verify-extra";

interface VerifyCliOptions extends ExtraVerifyOptions {
  dataDir: string;
  database?: string;
  key?: string;
}

/** One line per finding; the first bad record and the first bad checkpoint, each named. */
export function describeReport(report: VerifyReport, keys: string): string {
  const counts = `${report.records} records in ${report.streams} streams, ${report.checkpoints} checkpoints, ${report.readings} readings`;
  // Readings an agent could not keep are not a fault of the log, but nobody may miss them.
  const gaps = report.gaps.map(
    (g) => `gap: stream ${g.stream}: ${g.count} readings missing before seq ${g.firstSeq}, taken ${new Date(g.tFirst).toISOString()} to ${new Date(g.tLast).toISOString()} (${g.reason})`,
  );
  if (report.unsignedBatches > 0) gaps.push(`unsigned: ${report.unsignedBatches} reading batches carry no agent signature (overlapping resends stored before records kept it)`);
  const tail = gaps.length > 0 ? `${gaps.join("\n")}\n` : "";
  if (report.ok) return `telecal verify: OK: ${counts} (checkpoint keys: ${keys})\n${tail}`;
  const lines = [`telecal verify: FAILED: ${counts} (checkpoint keys: ${keys})`, ...gaps];
  const r = report.firstBadRecord;
  if (r) lines.push(`first bad record: id ${r.id}, stream ${r.stream ?? "(unknown)"}, seq ${r.seq ?? "(unknown)"}: ${r.reason}`);
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
      let report: Awaited<ReturnType<typeof verifyDatabase>>;
      const url = databaseUrlFor({ dataDir, databaseUrl });
      try {
        report = await verifyDatabase(url, { trustedKeys });
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
