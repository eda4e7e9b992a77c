import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * Sorts the test files into vitest's two projects (vitest.config.ts). A file is `unit` when nothing
 * in its import graph (its own text, relative imports, @telecal/* sources; third-party packages are
 * not followed) names a module that does I/O or starts something: a server, a process, a browser, a
 * socket, a native module (better-sqlite3 is built for one Node; the unit project also runs on Node
 * 24, scripts/test-node24.sh). Everything else is `integration`. Deciding from the graph, not from a
 * list, means a test that starts using a server moves to `integration` by itself.
 */
const IO_MODULES =
  /from "(node:(net|http|https|child_process|worker_threads|dgram|tls)|better-sqlite3|@serialport\/[^"]+|serialport|socket\.io(-client)?|fastify|@fastify\/[^"]+|mqtt|aedes|pg|ioredis|playwright-core|kysely|pdfkit)"|\b(spawn|execFile|fork)\(|import\("(node:child_process|better-sqlite3|pg|mqtt|socket\.io[^"]*|fastify|kysely)"\)/;
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+|@telecal\/[^"]+)"/g;

function resolveImport(root: string, from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("@telecal/")) {
    const [, pkg, ...rest] = spec.split("/");
    base = join(root, pkg!, "src", rest.length > 0 ? rest.join("/") : "index");
  } else {
    base = resolve(dirname(from), spec);
  }
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), base.replace(/\.js$/, ".ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function doesIo(root: string, file: string, seen: Map<string, boolean>): boolean {
  const known = seen.get(file);
  if (known !== undefined) return known;
  seen.set(file, false); // a cycle adds nothing new
  const text = readFileSync(file, "utf8");
  let io = IO_MODULES.test(text);
  for (const m of text.matchAll(RELATIVE_IMPORT)) {
    if (io) break;
    const target = resolveImport(root, file, m[1]!);
    if (target !== null && /\.(ts|tsx|js)$/.test(target)) io = doesIo(root, target, seen);
  }
  seen.set(file, io);
  return io;
}

function testFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" || name === "output" ? [] : testFiles(path);
    return name.endsWith(".test.ts") ? [path] : [];
  });
}

/** The test files (relative to `root`) whose import graph does no I/O: the `unit` project. */
export function unitTestFiles(root: string): string[] {
  const seen = new Map<string, boolean>();
  return testFiles(join(root, "test"))
    .filter((file) => !doesIo(root, file, seen))
    .map((file) => relative(root, file).split("\\").join("/"));
}
