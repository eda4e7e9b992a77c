import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);
const EXAMPLES = fileURLToPath(new URL("../../docs/examples/", import.meta.url));

async function budget(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [BIN, "budget", ...args], { timeout: 120_000 });
  expect(stdout).not.toMatch(/NaN|Infinity/);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Runs `telecal budget` on a file holding `content`; resolves to its exit code and stderr. */
async function refused(content: unknown): Promise<{ code: number; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), "telecal-budget-"));
  const file = join(dir, "b.json");
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  const result = await run(process.execPath, [BIN, "budget", file], { timeout: 120_000 }).then(
    () => ({ code: 0, stderr: "" }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr.replace(file, "b.json") }),
  );
  return result;
}

const good = {
  measurand: { name: "E", unit: "V" },
  model: "indication - reference",
  inputs: { indication: { readings: [10.0001, 10.0003, 10.0002] }, reference: { value: 10, U: 0.0002, k: 2 } },
};

describe("telecal budget FILE.json", () => {
  it("GUM H.1 end gauge, with a Monte Carlo beside it", async () => {
    const out = await budget([join(EXAMPLES, "gum-h1-end-gauge.json"), "--monte-carlo", "20000", "--seed", "3"]);
    expect(out).toMatchObject({ dof: 16, coverageProbability: 0.99 });
    expect((out["u"] as number) * 1e6).toBeCloseTo(31.7, 1);
    expect(out["k"] as number).toBeCloseTo(2.92, 2);
    expect((out["budget"] as unknown[]).length).toBe(8);
    const mc = out["monteCarlo"] as { draws: number; seed: number; u: number; interval: { low: number; high: number; kind: string } };
    expect(mc).toMatchObject({ draws: 20000, seed: 3, interval: { kind: "symmetric" } });
    expect(mc.u * 1e6).toBeGreaterThan(30);
    expect(mc.u * 1e6).toBeLessThan(38);
  }, 120_000);

  it("EA-4/02 S2 weight with a JJF 1094 decision; infinite dof printed as null", async () => {
    const out = await budget([join(EXAMPLES, "ea-4-02-s2-weight.json")]);
    expect(out).toMatchObject({ dof: null, k: 2, decision: { rule: "jjf-1094", code: "conditional-pass", label: { zh: "待定", en: "undetermined (conditional pass)" } } });
    expect(out["value"] as number).toBeCloseTo(10000.025, 9);
  }, 120_000);

  it("refuses bad input: exit 2, a stable code, the field's path", async () => {
    const cases: [unknown, RegExp][] = [
      [{ ...good, model: "indication - reference - drift" }, /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: model: .* names 'drift', not among the inputs/],
      [{ ...good, inputs: { ...good.inputs, drift: { value: 0, u: 1 } } }, /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: inputs\.drift: the model .* does not use 'drift'/],
      [{ ...good, inputs: { ...good.inputs, reference: { value: 10, u: -0.1 } } }, /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: inputs\.reference\.u: /],
      [{ ...good, inputs: { ...good.inputs, reference: { value: 10, distribution: "triangular" } } }, /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: inputs\.reference\.halfWidth: required with distribution triangular/],
      [{ ...good, inputs: { ...good.inputs, indication: { readings: [10] } } }, /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: inputs\.indication\.readings: a Type A input needs at least 2 readings/],
      [JSON.stringify(good).replace('"value":10', '"value":1e999'), /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: inputs\.reference\.value: /],
      ["{ not json", /TC_ERR_BUDGET_INVALID: uncertainty budget b\.json: \(root\): not JSON/],
    ];
    const results = await Promise.all(cases.map(([content]) => refused(content)));
    results.forEach((r, i) => {
      expect(r.code, String(cases[i]![1])).toBe(2);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    const missing = await run(process.execPath, [BIN, "budget", "/nonexistent/b.json"]).catch((err: { code: number; stderr: string }) => err);
    expect(missing).toMatchObject({ code: 2 });
    expect((missing as { stderr: string }).stderr).toContain("TC_ERR_CONFIG_READ: /nonexistent/b.json: cannot read");
  }, 180_000);
});
