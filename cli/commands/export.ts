import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { TelecalError } from "@telecal/protocols";
import { CSV_HEADER, csvRows, databaseUrlFor, isPostgresUrl, readingsPage, Store } from "@telecal/server";
import { type Command, InvalidArgumentError } from "commander";

function parseSeq(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < -1) throw new InvalidArgumentError("a seq is a whole number, -1 or more");
  return n;
}

export function exportCommand(program: Command): void {
  program
    .command("export")
    .description("write a stream's stored readings as CSV or JSON / 导出测量数据")
    .requiredOption("--stream <id>", "stream id agentId:streamId (see GET /api/streams)")
    .option("--after <seq>", "only readings after this seq", parseSeq, -1)
    .option("--format <format>", "csv or json", "csv")
    .option("--data-dir <dir>", "the server's data dir", "./data")
    .option("--database <url>", "a PostgreSQL URL instead of the data dir (default: DATABASE_URL)")
    .action(async (opts: { stream: string; after: number; format: string; dataDir: string; database?: string }) => {
      if (opts.format !== "csv" && opts.format !== "json") throw new InvalidArgumentError("--format is csv or json");
      const url = databaseUrlFor({ dataDir: resolve(opts.dataDir), databaseUrl: opts.database ?? process.env["DATABASE_URL"] });
      if (!isPostgresUrl(url) && !existsSync(url.slice("sqlite:".length))) {
        throw new TelecalError("TC_ERR_CONFIG_READ", { file: url.slice("sqlite:".length), reason: "no such database" });
      }
      const store = await Store.open(url);
      try {
        // Pages keep memory flat however long the stream is.
        let after = opts.after;
        let first = true;
        for (;;) {
          const page = await readingsPage(store, opts.stream, after, 10_000);
          if (opts.format === "csv") {
            if (first) process.stdout.write(`${CSV_HEADER}\n`);
            process.stdout.write(csvRows(page));
          } else {
            if (first) process.stdout.write(`{"stream":${JSON.stringify(page.stream)},"readings":[`);
            const items = page.readings.map((r) => JSON.stringify(r)).join(",");
            process.stdout.write(items === "" || after === opts.after ? items : `,${items}`);
          }
          first = false;
          if (page.next === null) break;
          after = page.next;
        }
        if (opts.format === "json") process.stdout.write("]}\n");
      } finally {
        await store.close();
      }
    });
}
