import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Course, type Lesson, lessonMeshId } from "@telecal/protocols";
import { DEFAULT_WEB_ROOT, startServer, type TelecalServer } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../fakes/auth";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { codeOf, connectViewer } from "../fakes/ui-viewer";
import { launchChromium } from "../peers/chromium";

/** A trainee on a phone: the sign-in page, then the course's lesson, at 390 x 844. */
async function signInOnPhone(browser: Browser, url: string, username: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  await page.goto(url);
  await page.getByTestId("sign-in-username").fill(username);
  await page.getByTestId("sign-in-password").fill(TEST_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await page.getByTestId("dashboard").waitFor({ timeout: 15_000 });
  return page;
}

/**
 * A live lesson in Chromium, trainer at a laptop and trainee on a phone, each their own account:
 * the trainee's raised hand reaches the trainer's queue, and a numeric quiz the trainer builds on
 * the page is answered on the phone and scored on the trainer's console.
 */
describe("a live lesson in Chromium, trainer console and trainee phone", () => {
  let server: TelecalServer;
  let browser: Browser;
  let dataDir: string;
  let course: Course;
  let lesson: Lesson;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
      throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), "telecal-course-e2e-"));
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: DEFAULT_WEB_ROOT, dataDir });
    await seedUsers(server);
    const token = await login(server, "trainer");
    const post = async <T>(url: string, payload: object): Promise<T> => {
      const res = await server.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${token}` }, payload });
      if (res.statusCode >= 300) throw new Error(`POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    };
    course = await post<Course>("/api/courses", { title: "数字多用表校准 DMM calibration" });
    const now = Date.now();
    lesson = await post<Lesson>(`/api/courses/${course.id}/lessons`, { title: "第一课 直流电压 DC voltage", startsAt: now, endsAt: now + 3_600_000 });
    await post(`/api/courses/${course.id}/enrolments`, { usernames: ["trainee"] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a raised hand appears on the trainer's page and a quiz answer is scored there", async () => {
    const trainer = await signIn(browser, server.url, "trainer");
    await trainer.getByTestId("nav-courses").click();
    await trainer.getByTestId(`course-${course.id}`).locator("a").click();
    await trainer.getByTestId("enrolment").getByText("(trainee,").waitFor({ timeout: 15_000 });
    await trainer.getByTestId(`lesson-${lesson.id}`).getByTestId("lesson-enter").click();
    await trainer.locator('[data-testid="lesson-page"][data-part="trainer"]').waitFor({ timeout: 15_000 });
    await trainer.getByTestId("lesson-video-slot").waitFor();

    const trainee = await signInOnPhone(browser, server.url, "trainee");
    await trainee.getByTestId("nav-courses").click();
    await trainee.getByTestId(`course-${course.id}`).locator("a").click();
    await trainee.getByTestId("lesson-enter").click();
    await trainee.locator('[data-testid="lesson-page"][data-part="trainee"]').waitFor({ timeout: 15_000 });
    await trainer.locator('[data-testid="present"][data-username="trainee"]').waitFor({ timeout: 10_000 });

    // No Janus here: the lesson's mesh, trainer and trainee linked to each other.
    for (const page of [trainer, trainee]) {
      await page.getByTestId("media-room-mesh").waitFor({ timeout: 15_000 });
      await page.locator('[data-testid^="video-peer-"][data-state="connected"]').waitFor({ timeout: 30_000 });
    }
    const trainerOnPhone = trainee.locator('[data-testid^="video-peer-"][data-username="trainer"]');
    await expect.poll(async () => Number(await trainerOnPhone.getAttribute("data-frames-decoded")), { timeout: 30_000 }).toBeGreaterThan(0);

    await trainee.getByTestId("hand-toggle").click();
    await trainer.locator('[data-testid="hand"][data-username="trainee"]').waitFor({ timeout: 10_000 });
    await trainee.getByTestId("hand-place").waitFor();

    // The trainer builds a numeric question on the page: read the DMM, 10 V within ±0.05 V.
    await trainer.getByTestId("quiz-question").fill("数字多用表读数？ Read the DMM");
    await trainer.getByTestId("quiz-kind").selectOption("numeric");
    await trainer.getByTestId("quiz-value").fill("10");
    await trainer.getByTestId("quiz-tolerance").fill("0.05");
    await trainer.getByTestId("quiz-unit").fill("V");
    await trainer.getByTestId("quiz-open").click();

    await trainee.locator('[data-testid="trainee-quiz"][data-status="open"]').waitFor({ timeout: 10_000 });
    await trainee.getByTestId("answer-value").fill("10.03");
    await trainee.getByTestId("answer-submit").click();
    await trainee.getByTestId("answer-given").waitFor();
    const answer = trainer.locator('[data-testid="quiz-answer"][data-username="trainee"]');
    await answer.waitFor({ timeout: 10_000 });
    expect(await answer.getAttribute("data-correct")).toBe("true");
    await expect.poll(() => trainer.locator('[data-testid="score"][data-username="trainee"]').getAttribute("data-score"), { timeout: 10_000 }).toBe("1");
    expect(await trainer.locator('[data-testid="score"][data-username="trainee"]').textContent()).toContain("1 / 1");
    await trainer.screenshot({ path: join(SCREENSHOTS, "course-trainer-console.png"), fullPage: true });

    // Closed: the phone shows the right answer and that it was right; the trainer takes the question.
    await trainer.getByTestId("quiz-close").click();
    await trainee.getByTestId("answer-result").waitFor({ timeout: 10_000 });
    expect(await trainee.getByTestId("answer-result").textContent()).toContain("10 ± 0.05 V");
    await trainer.getByTestId("hand-lower-trainee").click();
    await trainee.getByTestId("hand-place").waitFor({ state: "detached", timeout: 10_000 });
    expect(await trainee.getByTestId("own-score").textContent()).toContain("1 / 1");
    await trainee.screenshot({ path: join(SCREENSHOTS, "course-trainee-phone.png"), fullPage: true });
  }, 120_000);

  it("without Janus, a fifth tab in the lesson is told that the video is full without an SFU", async () => {
    // The pages above leave (their sockets close), and four tabs of the trainer's fill the mesh.
    for (const context of browser.contexts()) await context.close();
    const token = await login(server, "trainer");
    const tabs = await Promise.all([0, 1, 2, 3].map(() => connectViewer(server.url, token)));
    try {
      // Until the server has seen the closed pages go, a join may still find the mesh full.
      for (const tab of tabs) await expect.poll(async () => codeOf(await tab.ask("rtc-join", { jobId: lessonMeshId(lesson.id) })), { timeout: 15_000 }).toBe("ok");
      const trainee = await signInOnPhone(browser, server.url, "trainee");
      await trainee.goto(`${server.url}/#/courses/${encodeURIComponent(course.id)}/lessons/${encodeURIComponent(lesson.id)}`);
      const full = trainee.getByTestId("media-full");
      await full.waitFor({ timeout: 30_000 });
      expect(await full.textContent()).toMatch(/^视频已满：服务器未配置 SFU（Janus），网状视频最多 4 人/);
      await trainee.screenshot({ path: join(SCREENSHOTS, "course-lesson-mesh-full.png"), fullPage: true });
      await trainee.context().close();
    } finally {
      for (const tab of tabs) tab.socket.close();
    }
  }, 60_000);
});
