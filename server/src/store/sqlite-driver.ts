import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";

const require = createRequire(import.meta.url);

/**
 * better-sqlite3 for the Node that runs us: 13 on Node 22 and later, 12.11.1 on Node 20, which 13
 * does not support. 12.x keeps its statements as node::ObjectWrap objects, and Node 24.19 made
 * destroying one outside a JS context abort the process (a statement collected at exit or by an
 * idle GC): on Node 24 every CLI run ended in SIGABRT. 13 is an optional dependency that npm
 * installs only where its `engines` allow (Node 22+). agent/ and server/ each keep this file: they
 * share nothing but protocols/ and metrology/, which load nothing native.
 */
export const Database: typeof BetterSqlite3 =
  Number(process.versions.node.split(".")[0]) >= 22 ? (require("better-sqlite3-13") as typeof BetterSqlite3) : (require("better-sqlite3") as typeof BetterSqlite3);
