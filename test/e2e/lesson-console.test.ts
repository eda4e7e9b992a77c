import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Course, Lesson } from "@telecal/protocols";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_AGENT, DEMO_ORGANISATION } from "../../cli/demo-lab";
import { login, TEST_PASSWORD } from "../fakes/auth";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { createDemoJob } from "../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../fakes/demo-stack";
import { launchChromium } from "../peers/chromium";
import { type Janus, startJanus } from "../peers/janus";

const MINUTE = 60_000;

/** The video's state on a page, with its text, so that a failure says why. */
const videoOf = async (page: Page) => {
  const room = page.getByTestId("media-room");
  return `${await room.getAttribute("data-state")}/${await room.getAttribute("data-role")}: ${await page.getByTestId("media-room-state").textContent()}`;
};
/** Frames decoded on the page's received videos, summed (inbound-rtp framesDecoded). */
const decoded = async (page: Page) => {
  let sum = 0;
  for (const feed of await page.getByTestId("media-room-feed").all()) sum += Number(await feed.getAttribute("data-frames"));
  return sum;
};

/**
 * The trainer's console in Chromium with the demo bench and a Janus this test started: trainer and
 * trainee (on a phone) both see the bench's live readings on the lesson page; the trainee's raised
 * hand is brought on stage from the trainer's queue, the trainee's page then sends camera and mic,
 * and the trainer decodes it; off stage, the trainee watches again.
 */
describe("a lesson's console in Chromium: bench readings and a trainee on stage", () => {
  let janus: Janus;
  let stack: DemoStack;
  let browser: Browser;
  let course: Course;
  let lesson: Lesson;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    janus = await startJanus();
    stack = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT, janus: { url: janus.url, roomAdminKey: janus.roomAdminKey, guardMs: 500 } });
    await stack.server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username: "demo-trainer", displayName: "讲师 Trainer", role: "trainer", password: TEST_PASSWORD });
    const token = await login(stack.server, "demo-trainer");
    const post = async <T>(url: string, payload: object): Promise<T> => {
      const res = await stack.server.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${token}` }, payload });
      if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    };
    course = await post<Course>("/api/courses", { title: "直流电压示范 DC voltage demonstration" });
    const now = Date.now();
    lesson = await post<Lesson>(`/api/courses/${course.id}/lessons`, {
      title: "示范课 Demonstration",
      startsAt: now - MINUTE,
      endsAt: now + 59 * MINUTE,
      bench: { agentId: DEMO_AGENT.id, procedureId: "dmm-dcv-jjf1587" },
    });
    await post(`/api/courses/${course.id}/enrolments`, { usernames: ["trainee"] });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await janus?.stop();
  });

  it("shows the bench's readings to both, and brings the trainee with the raised hand on stage and off", async () => {
    const at = `${stack.server.url}/#/courses/${encodeURIComponent(course.id)}/lessons/${encodeURIComponent(lesson.id)}`;
    const trainer = await signIn(browser, stack.server.url, "demo-trainer");
    await trainer.goto(at);
    await trainer.locator('[data-testid="lesson-page"][data-part="trainer"]').waitFor({ timeout: 15_000 });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const trainee = await context.newPage();
    await trainee.goto(stack.server.url);
    await trainee.getByTestId("sign-in-username").fill("trainee");
    await trainee.getByTestId("sign-in-password").fill(TEST_PASSWORD);
    await trainee.getByTestId("sign-in-submit").click();
    await trainee.getByTestId("dashboard").waitFor({ timeout: 15_000 });
    await trainee.goto(at);
    await trainee.locator('[data-testid="lesson-page"][data-part="trainee"]').waitFor({ timeout: 15_000 });

    // The bench's readings, moving, on both pages.
    for (const page of [trainer, trainee]) {
      const bench = page.locator('[data-testid="lesson-bench"][data-online="true"]');
      await bench.waitFor({ timeout: 15_000 });
      const value = bench.locator('[data-testid^="live-value-"][data-value]:not([data-value=""])').first();
      await value.waitFor({ timeout: 15_000 });
      expect(await page.getByTestId("lesson-step").textContent()).toContain("示范作业尚未开始");
    }
    // The technician starts the demonstration job: the trainee's phone names its step in words.
    await createDemoJob(stack);
    const step = trainee.locator('[data-testid="lesson-step"][data-status="running"]');
    await step.waitFor({ timeout: 15_000 });
    const key = (await step.getAttribute("data-step")) ?? "";
    const text = (await step.textContent()) ?? "";
    expect(text).toMatch(/^当前步骤：/);
    expect(key).not.toBe("");
    expect(text).not.toContain(key);

    try {
      await expect.poll(() => videoOf(trainer), { timeout: 30_000 }).toMatch(/^joined\/publisher/);
      await expect.poll(() => videoOf(trainee), { timeout: 30_000 }).toMatch(/^joined\/subscriber/);
      await expect.poll(() => decoded(trainee), { timeout: 45_000 }).toBeGreaterThan(0);

      // Hand up; the trainer brings that hand on stage from the queue.
      await trainee.getByTestId("hand-toggle").click();
      await trainer.getByTestId("hand-stage-trainee").click({ timeout: 10_000 });
      await trainer.locator('[data-testid="stage"][data-stage="trainee"]').waitFor({ timeout: 10_000 });
      await trainee.locator('[data-testid="stage"][data-on-stage="true"]').waitFor({ timeout: 10_000 });
      await expect.poll(() => videoOf(trainee), { timeout: 30_000 }).toMatch(/^joined\/publisher/);
      await expect.poll(async () => Number(await trainee.getByTestId("media-room-local").getAttribute("data-frames")), { timeout: 30_000 }).toBeGreaterThan(0);
      // The trainer decodes the staged trainee's video.
      await expect.poll(() => decoded(trainer), { timeout: 45_000 }).toBeGreaterThan(0);
      await trainer.screenshot({ path: join(SCREENSHOTS, "lesson-console-stage-trainer.png"), fullPage: true });
      await trainee.screenshot({ path: join(SCREENSHOTS, "lesson-console-stage-trainee.png"), fullPage: true });

      await trainer.getByTestId("stage-leave").click();
      await trainer.locator('[data-testid="stage"][data-stage=""]').waitFor({ timeout: 10_000 });
      await expect.poll(() => videoOf(trainee), { timeout: 30_000 }).toMatch(/^joined\/subscriber/);
    } catch (err) {
      await trainee.screenshot({ path: join(SCREENSHOTS, "lesson-console-failed-trainee.png"), fullPage: true }).catch(() => undefined);
      throw new Error(`${String(err)}\njanus log:\n${janus.log().slice(-4000)}`, { cause: err });
    }
    await context.close();
    await trainer.context().close();
  }, 240_000);
});
