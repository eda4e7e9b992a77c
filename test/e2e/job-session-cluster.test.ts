import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../cli/demo-users";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { runTelecal, type Running } from "../fakes/cli";
import { launchChromium } from "../peers/chromium";
import { freePort } from "../peers/ports";
import { TestDatabases } from "../peers/postgres";
import { dropPrefix, requireRedis, TEST_REDIS_URL } from "../peers/redis";

const START_READY = /is running: (http:\/\/\S+)[\s\S]*demo lab:/;
const SERVER_READY = /telecal server at (http:\/\/\S+)/;
const stepOf = (page: Page) => page.getByTestId("step").getAttribute("data-step");
const connOf = (page: Page) => page.getByTestId("conn-state").getAttribute("data-state");

/**
 * The job session in Chromium with its three parties on three processes of one platform (one
 * PostgreSQL, one Redis), each started as an operator starts it: `telecal start` holds the demo
 * lab's agent, the technician's page is served by a second `telecal server`, the expert's by a
 * third. The expert's process is killed mid-session: the technician and the bench go on; restarted,
 * it takes the expert's page back, which catches up with the step and holds the job again.
 */
describe("a job's session in Chromium across three server processes, one killed and restarted", () => {
  const databases = new TestDatabases();
  const prefix = `telecal-test-${randomBytes(4).toString("hex")}`;
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-cluster-e2e-"));
  const procs: Running[] = [];
  let databaseUrl: string;
  let browser: Browser;
  let jobId: string;
  const ports: number[] = [];
  const url = (i: number) => `http://127.0.0.1:${ports[i]}`;
  const platform = () => ["--host", "127.0.0.1", "--data-dir", dataDir, "--database", databaseUrl, "--redis", TEST_REDIS_URL, "--redis-prefix", prefix];
  const serve = (i: number) => runTelecal(["server", "--demo", "--port", String(ports[i]), ...platform()], SERVER_READY);

  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
      throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    await requireRedis();
    databaseUrl = await databases.fresh();
    for (let i = 0; i < 3; i++) ports.push(await freePort());
    // First the demo (it migrates the empty database and makes the demo people and job), then the others.
    const start = await runTelecal(["start", "--port", String(ports[0]), ...platform()], START_READY);
    procs.push(start);
    jobId = /demo job \(technician \+ expert\): \S+\/#\/jobs\/(\S+)/.exec(start.stdout())![1]!;
    procs.push(await serve(1), await serve(2));
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    for (const p of procs) await p.stop();
    await databases.dropAll();
    await dropPrefix(prefix);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("goes on while the expert's process is down, and the expert's page comes back with it", async () => {
    const technician = await signIn(browser, url(1), "technician", undefined, DEMO_PASSWORD);
    const expert = await signIn(browser, url(2), "expert", undefined, DEMO_PASSWORD);
    for (const [page, at] of [[technician, 1], [expert, 2]] as const) {
      await page.goto(`${url(at)}/#/jobs/${jobId}`);
      await page.getByTestId("job-page").waitFor({ timeout: 15_000 });
    }
    expect(await stepOf(technician)).toBe("before/connect");
    await technician.getByTestId("step-complete").click();
    // The step told at the technician's process reaches the expert's.
    await expect.poll(() => stepOf(expert), { timeout: 15_000 }).toBe("before/ambient");
    await technician.getByTestId("step-value-0").fill("22.4");
    await technician.getByTestId("step-value-1").fill("51");
    await technician.getByTestId("step-complete").click();
    // The bench (its agent at the first process) runs the points; both pages see its live readings.
    await expect.poll(() => expert.getByTestId("step").getAttribute("data-kind"), { timeout: 30_000 }).toMatch(/^(set|read)$/);
    for (const page of [technician, expert]) await page.getByTestId("live-value-demo-lab:dmm1.dcv").waitFor({ timeout: 30_000 });

    // The expert's process dies.
    const dead = new Promise((resolve) => procs[2]!.child.once("exit", resolve));
    procs[2]!.child.kill("SIGKILL");
    await dead;
    await expect.poll(() => connOf(expert), { timeout: 30_000 }).not.toBe("connected");
    // The session goes on without it: the bench moves to another step, the technician sees it.
    const atKill = await stepOf(technician);
    await expect.poll(() => stepOf(technician), { timeout: 120_000, interval: 500 }).not.toBe(atKill);
    expect(await connOf(technician)).toBe("connected");

    // Restarted on its port, the process takes the expert's page back: it catches up with the step.
    procs[2] = await serve(2);
    await expect.poll(() => connOf(expert), { timeout: 60_000 }).toBe("connected");
    await expect
      .poll(async () => {
        const [t, e] = [await stepOf(technician), await stepOf(expert)];
        return t === e ? "the same step" : `technician ${t}, expert ${e}`;
      }, { timeout: 30_000, interval: 500 })
      .toBe("the same step");
    // And it is one platform again: the expert's hold, made at the restarted process, reaches the technician.
    await expert.getByTestId("job-hold").click();
    await technician.getByTestId("held").waitFor({ timeout: 15_000 });
    expect(await technician.getByTestId("held").getAttribute("data-by")).toBe("expert");
    await expert.screenshot({ path: join(SCREENSHOTS, "job-session-cluster-expert.png"), fullPage: true, timeout: 90_000 });
    await expert.getByTestId("job-resume").click();
    await expect.poll(() => technician.getByTestId("held").count(), { timeout: 15_000 }).toBe(0);
  }, 420_000);
});
