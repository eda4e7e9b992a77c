import { relative } from "node:path";
import type { Reporter, TestModule } from "vitest/node";

/** Files listed at the end of a run: the slowest first, so CI's log shows where the wall time goes. */
const SHOWN = 25;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1).padStart(6)} s`;
}

/**
 * Prints, after vitest's own summary, each test file's duration (import and tests), sorted, with its
 * project and the share of the summed time. Registered in vitest.config.ts beside the default reporter.
 */
export default class DurationsReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const rows = testModules.map((m) => {
      const d = m.diagnostic();
      return { file: relative(process.cwd(), m.moduleId), project: m.project.name || "-", import: d.collectDuration, total: d.duration + d.collectDuration };
    });
    if (rows.length === 0) return;
    rows.sort((a, b) => b.total - a.total);
    const sum = rows.reduce((s, r) => s + r.total, 0);
    const lines = [`\nper-file durations (import + tests; ${rows.length} files, ${seconds(sum).trim()} summed over workers):`];
    for (const r of rows.slice(0, SHOWN)) {
      lines.push(`${seconds(r.total)}  ${((100 * r.total) / sum).toFixed(1).padStart(5)}%  import ${seconds(r.import).trim().padStart(7)}  ${r.project.padEnd(11)} ${r.file}`);
    }
    if (rows.length > SHOWN) lines.push(`  ... ${rows.length - SHOWN} faster files, ${seconds(rows.slice(SHOWN).reduce((s, r) => s + r.total, 0)).trim()} together`);
    // Per project: where imports (a module graph per file or per worker) cost the most.
    for (const project of [...new Set(rows.map((r) => r.project))].sort()) {
      const own = rows.filter((r) => r.project === project);
      const total = own.reduce((s, r) => s + r.total, 0);
      const imports = own.reduce((s, r) => s + r.import, 0);
      lines.push(`  project ${project.padEnd(11)} ${String(own.length).padStart(3)} files ${seconds(total)} summed, of which import ${seconds(imports).trim()}`);
    }
    process.stdout.write(`${lines.join("\n")}\n`);
  }
}
