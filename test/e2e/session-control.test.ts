import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { createDemoJob } from "../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../fakes/demo-stack";
import { launchChromium } from "../peers/chromium";
import type { PageElement } from "../fakes/page-element";

const METER = "live-value-demo-lab:dmm1.dcv";
const CHART = "annotations-chart:demo-lab:dmm1.dcv";

async function openJob(page: Page, url: string, jobId: string): Promise<void> {
  await page.goto(`${url}/#/jobs/${jobId}`);
  await page.getByTestId("job-page").waitFor({ timeout: 45_000 });
}

const meter = async (page: Page) => Number(await page.getByTestId(METER).getAttribute("data-value"));
const texts = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();
const events = (page: Page) => page.getByTestId("timeline-event").evaluateAll((items: PageElement[]) => items.map((i) => i.getAttribute("data-event")));

/** Clicks the middle of an annotation layer, as a person marks something with the mouse. */
async function mark(layer: ReturnType<Page["getByTestId"]>): Promise<void> {
  await layer.locator("svg").click();
}

/**
 * Technician and expert in one job's session, in two browser contexts of Debian's Chromium, on the
 * demo bench (calibrator 5522A driving the 34465A meter): people, chat, marks, control of the
 * calibrator granted and revoked, a command of a revoked lease refused, and a late joiner who gets
 * the whole state at once.
 */
describe("a job's live session in Chromium: people, chat, marks and control of the calibrator", () => {
  let stack: DemoStack;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
      throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    stack = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("the expert asks for control, the technician grants it, the meter follows the expert's set point; revoked, the expert's next command is refused", async () => {
    const job = await createDemoJob(stack);
    const cal = job.binding["calibrator"]!.instrumentId;
    const url = stack.server.url;

    const technician = await signIn(browser, url, "technician");
    // The expert's link can be made slow: lease pushes held back, as on a congested county uplink,
    // so that the page still shows controls after the revoke and sends a command with the old epoch.
    let holdLeasePushes = false;
    const expert = await signIn(browser, url, "expert", async (page) => {
      await page.routeWebSocket(/\/socket\.io\//, (ws) => {
        const server = ws.connectToServer();
        server.onMessage((message) => {
          if (holdLeasePushes && typeof message === "string" && message.includes('"session:lease"')) return;
          ws.send(message);
        });
      });
    });
    await openJob(technician, url, job.id);
    await openJob(expert, url, job.id);

    // Both are in the session, see each other, and each link's quality gets measured.
    for (const page of [technician, expert]) {
      for (const who of ["technician", "expert"]) {
        await expect.poll(() => page.getByTestId(`participant-${who}`).getAttribute("data-connected"), { timeout: 15_000 }).toBe("true");
      }
      await expect.poll(() => page.getByTestId("participant-expert").getAttribute("data-quality"), { timeout: 20_000 }).toMatch(/^(good|fair|poor)$/);
    }

    // Chat both ways.
    await expert.getByTestId("chat-input").fill("请先把校准器设到 10 V / set the calibrator to 10 V first");
    await expert.getByTestId("chat-send").click();
    await expect.poll(() => texts(technician, "chat-message"), { timeout: 30_000 }).toEqual([expect.stringContaining("set the calibrator to 10 V first")]);
    await technician.getByTestId("chat-input").fill("好的，控制权给您 / granting you control");
    await technician.getByTestId("chat-send").click();
    await expect.poll(async () => (await texts(expert, "chat-message")).length, { timeout: 30_000 }).toBe(2);

    // The expert asks; the technician sees the request and grants it.
    expect(await expert.getByTestId(`lease-grant-${cal}-technician`).count()).toBe(0);
    await expert.getByTestId(`lease-request-${cal}`).click();
    await technician.getByTestId(`lease-requests-${cal}`).waitFor({ timeout: 30_000 });
    await technician.getByTestId(`lease-grant-${cal}-expert`).click();
    for (const page of [technician, expert]) {
      await expect.poll(() => page.getByTestId(`lease-${cal}`).getAttribute("data-holder"), { timeout: 30_000 }).toBe("expert");
    }
    expect(await technician.getByTestId(`controls-${cal}`).count()).toBe(0);

    // The expert sets the calibrator within the job's envelope and switches it to OPER: the meter follows.
    const value = expert.getByTestId(`control-value-${cal}`);
    await value.fill("1001");
    expect(await expert.getByTestId(`control-set-${cal}`).isDisabled()).toBe(true);
    await value.fill("10");
    await expert.getByTestId(`control-set-${cal}`).click();
    await expect.poll(() => expert.getByTestId(`control-result-${cal}`).getAttribute("data-ok"), { timeout: 15_000 }).toBe("true");
    await expert.getByTestId(`control-oper-${cal}`).click();
    await expect.poll(() => expert.getByTestId(`control-result-${cal}`).textContent(), { timeout: 15_000 }).toContain("OPER");
    expect(await expert.getByTestId(`control-result-${cal}`).getAttribute("data-ok")).toBe("true");
    for (const page of [technician, expert]) {
      await expect.poll(async () => Math.abs((await meter(page)) - 10), { timeout: 20_000 }).toBeLessThan(0.01);
    }

    // The expert marks the meter's chart and the technician's video; both pages show the marks.
    await mark(expert.getByTestId(CHART));
    await expect.poll(async () => `${await expert.getByTestId(CHART).getAttribute("data-count")} ${await expert.getByTestId(CHART).locator(".annotation-error").allTextContents().then((t) => t.join(","))}`, { timeout: 30_000 }).toBe("1 ");
    const onTechnicianVideo = expert.locator('[data-testid^="video-peer-"]').getByTestId("annotations-video:technician");
    await onTechnicianVideo.waitFor({ timeout: 15_000 });
    await mark(onTechnicianVideo);
    await expect.poll(() => technician.getByTestId(CHART).getAttribute("data-count"), { timeout: 30_000 }).toBe("1");
    await expect.poll(() => technician.getByTestId("video-local").getByTestId("annotations-video:technician").getAttribute("data-count"), { timeout: 30_000 }).toBe("1");
    expect(await technician.getByTestId(CHART).getByTestId("annotation").getAttribute("data-from")).toBe("expert");

    await technician.screenshot({ path: join(SCREENSHOTS, "session-control-technician.png"), fullPage: true, timeout: 90_000 });
    await expert.screenshot({ path: join(SCREENSHOTS, "session-control-expert.png"), fullPage: true, timeout: 90_000 });

    // The technician revokes while the expert's page has not heard of it yet: the expert's next
    // command carries the old epoch, is refused, and the meter stays where it was.
    holdLeasePushes = true;
    await technician.getByTestId(`lease-revoke-${cal}`).click();
    await expect.poll(() => technician.getByTestId(`lease-${cal}`).getAttribute("data-holder"), { timeout: 30_000 }).toBe("");
    expect(await expert.getByTestId(`lease-${cal}`).getAttribute("data-holder")).toBe("expert");
    await value.fill("20");
    await expert.getByTestId(`control-set-${cal}`).click();
    await expect.poll(() => expert.getByTestId(`control-result-${cal}`).getAttribute("data-code"), { timeout: 15_000 }).toBe("TC_ERR_LEASE_STALE_EPOCH");
    holdLeasePushes = false;
    // The refusal tells the page its view is old: it fetches the session again and the controls go.
    await expect.poll(() => expert.getByTestId(`lease-${cal}`).getAttribute("data-holder"), { timeout: 15_000 }).toBe("");
    expect(await expert.getByTestId(`controls-${cal}`).count()).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(Math.abs((await meter(technician)) - 10)).toBeLessThan(0.01);
    await expect.poll(() => events(technician), { timeout: 30_000 }).toEqual(expect.arrayContaining(["lease-granted", "command", "command-result", "lease-revoked", "refused", "annotated"]));

    // The technician finishes the first step; a trainee who joins late gets the current step, the
    // people, the chat, the marks and the timeline at once, and may not draw.
    await technician.getByTestId("step-complete").click();
    await expect.poll(() => technician.getByTestId("step").getAttribute("data-step"), { timeout: 30_000 }).toBe("before/ambient");
    await expect.poll(() => expert.getByTestId("step").getAttribute("data-step"), { timeout: 30_000 }).toBe("before/ambient");
    const trainee = await signIn(browser, url, "trainee");
    await trainee.setViewportSize({ width: 820, height: 1180 }); // a tablet, upright
    await openJob(trainee, url, job.id);
    expect(await trainee.getByTestId("step").getAttribute("data-step")).toBe("before/ambient");
    await expect.poll(async () => (await texts(trainee, "chat-message")).length, { timeout: 30_000 }).toBe(2);
    expect(await trainee.getByTestId(CHART).getAttribute("data-count")).toBe("1");
    expect(await trainee.getByTestId(CHART).locator("svg.may-draw").count()).toBe(0);
    // Presence is the server's: the late joiner's own entry comes with its join, the others' at once.
    for (const who of ["technician", "expert", "trainee"]) {
      await expect.poll(() => trainee.getByTestId(`participant-${who}`).getAttribute("data-connected"), { timeout: 30_000 }).toBe("true");
    }
    expect(await events(trainee)).toEqual(expect.arrayContaining(["lease-revoked", "refused"]));
    await expect.poll(() => technician.getByTestId("participant-trainee").count(), { timeout: 30_000 }).toBe(1);
    await trainee.screenshot({ path: join(SCREENSHOTS, "session-control-late-joiner-tablet.png"), fullPage: true, timeout: 90_000 });

    // The technician clears the marks on the chart; they go from every page.
    await technician.getByTestId(`annotations-clear-${CHART.slice("annotations-".length)}`).click();
    for (const page of [technician, expert, trainee]) {
      await expect.poll(() => page.getByTestId(CHART).getAttribute("data-count"), { timeout: 30_000 }).toBe("0");
    }
  }, 240_000);
});
