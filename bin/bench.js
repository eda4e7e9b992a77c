#!/usr/bin/env node
// `npm run bench -- NAME`: runs bench/NAME.ts. Benchmarks print figures and ratios; they never fail on time.
import { readdirSync } from "node:fs";
import { register } from "tsx/esm/api";

const names = readdirSync(new URL("../bench/", import.meta.url))
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3));
const wanted = process.argv.slice(2);
if (wanted.length === 0 || wanted.some((n) => !names.includes(n))) {
  console.error(`usage: npm run bench -- NAME...  (one of: ${names.join(", ")})`);
  process.exit(2);
}
register();
for (const name of wanted) await import(`../bench/${name}.ts`);
