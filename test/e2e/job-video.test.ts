import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { createDemoJob } from "../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../fakes/demo-stack";
import { CHROMIUM_ARGS } from "../peers/chromium";
import { type Coturn, startCoturn } from "../peers/coturn";
import { requireTool } from "../peers/require-tool";
import type { PageElement } from "../fakes/page-element";

/**
 * Debian's Chromium as launchChromium starts it, but with three fake cameras, for the technician's
 * bench camera. Chromium's fake_device_1 gives Y16 (depth) frames that no video encoder takes, so the
 * "second camera" of the test is fake_device_2 (MJPEG).
 */
async function launchWithCameras(): Promise<Browser> {
  const executablePath = requireTool("chromium", "/usr/bin/chromium");
  const args = CHROMIUM_ARGS.map((a) => (a === "--use-fake-device-for-media-stream" ? "--use-fake-device-for-media-stream=device-count=3" : a));
  return chromium.launch({ executablePath, headless: true, args });
}

const OUTPUT = SCREENSHOTS;

async function openJob(browser: Browser, url: string, username: string, jobId: string): Promise<Page> {
  const page = await signIn(browser, url, username);
  await page.goto(`${url}/#/jobs/${jobId}`);
  await page.getByTestId("job-page").waitFor({ timeout: 45_000 });
  return page;
}

/** The one remote video on a page of two people: its figures from getStats(), as the panel shows them. */
async function remote(page: Page) {
  const tile = page.locator('[data-testid^="video-peer-"]');
  const count = await tile.count();
  if (count === 0) return { count, state: null, label: null, username: null, frames: 0, local: null, remote: null };
  return {
    count,
    state: await tile.first().getAttribute("data-state"),
    /** The state as the person reads it (with the reason of a failure), for a test that fails. */
    label: await tile.first().getByTestId("peer-state").textContent(),
    username: await tile.first().getAttribute("data-username"),
    frames: Number(await tile.first().getAttribute("data-frames-decoded")),
    local: await tile.first().getAttribute("data-local-candidate"),
    remote: await tile.first().getAttribute("data-remote-candidate"),
  };
}

/** Video flows both ways: each side decodes frames, and more of them a moment later. */
async function expectVideoBothWays(technician: Page, expert: Page): Promise<void> {
  for (const [page, other] of [[technician, "expert"], [expert, "technician"]] as const) {
    await expect
      .poll(async () => {
        const r = await remote(page);
        return r.state === "connected" ? r.state : `${r.state}: ${r.label}`;
      }, { timeout: 45_000 })
      .toBe("connected");
    expect((await remote(page)).username).toBe(other);
    await expect.poll(async () => (await remote(page)).frames, { timeout: 20_000 }).toBeGreaterThan(0);
  }
  const before = [(await remote(technician)).frames, (await remote(expert)).frames];
  await expect.poll(async () => (await remote(technician)).frames, { timeout: 10_000 }).toBeGreaterThan(before[0]!);
  await expect.poll(async () => (await remote(expert)).frames, { timeout: 10_000 }).toBeGreaterThan(before[1]!);
  for (const page of [technician, expert]) expect(await page.getByTestId("media-state").getAttribute("data-state")).toBe("live");
}

function requireBuiltWeb(): void {
  if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
    throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
  }
}

/**
 * Technician and expert on one job's page in two browser contexts of Debian's Chromium with fake
 * cameras: video and audio over WebRTC, first directly on loopback (no ICE servers configured),
 * then only through our own coturn (iceTransportPolicy "relay").
 */
describe("video between the people of a job's page in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    requireBuiltWeb();
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchWithCameras();
  });
  afterAll(async () => {
    await browser?.close();
  });

  describe("without ICE servers: host candidates on loopback", () => {
    let stack: DemoStack;
    beforeAll(async () => {
      stack = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT });
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
    });

    it("decodes frames on both sides; the bench camera, mute and camera off keep the call", async () => {
      const job = await createDemoJob(stack);
      const technician = await openJob(browser, stack.server.url, "technician", job.id);
      const expert = await openJob(browser, stack.server.url, "expert", job.id);
      await expectVideoBothWays(technician, expert);
      expect((await remote(technician)).local).toBe("host");

      // The technician turns to the bench camera: the expert's video goes on, from the other camera.
      const select = technician.getByTestId("camera-select");
      await expect.poll(() => select.locator("option").count(), { timeout: 10_000 }).toBe(3);
      const second = (await select.locator("option").nth(2).getAttribute("value"))!;
      await select.selectOption(second);
      await expect.poll(() => technician.getByTestId("video-local").getAttribute("data-device"), { timeout: 10_000 }).toBe(second);
      const framesNow = (await remote(expert)).frames;
      await expect.poll(async () => (await remote(expert)).frames, { timeout: 10_000 }).toBeGreaterThan(framesNow + 10);

      // Mute and camera off disable the tracks; the call stays up (a disabled camera sends black frames).
      await technician.getByTestId("mic-toggle").click();
      expect(await technician.getByTestId("mic-toggle").getAttribute("aria-pressed")).toBe("true");
      await technician.getByTestId("camera-toggle").click();
      expect(await technician.getByTestId("camera-toggle").getAttribute("aria-pressed")).toBe("true");
      const framesOff = (await remote(expert)).frames;
      await expect.poll(async () => (await remote(expert)).frames, { timeout: 10_000 }).toBeGreaterThan(framesOff);
      expect((await remote(expert)).state).toBe("connected");
      await technician.getByTestId("camera-toggle").click();
      await technician.screenshot({ path: join(OUTPUT, "job-video-technician.png"), fullPage: true, timeout: 90_000 });
      await expert.screenshot({ path: join(OUTPUT, "job-video-expert.png"), fullPage: true, timeout: 90_000 });

      // The expert leaves: the technician's page says it waits for others.
      await expert.context().close();
      await expect.poll(async () => (await remote(technician)).count, { timeout: 10_000 }).toBe(0);
      expect(await technician.getByTestId("media-state").getAttribute("data-state")).toBe("alone");
      await technician.context().close();
    }, 120_000);

    it("three people, a mesh: each of technician, expert and a watching trainee decodes the other two", async () => {
      const job = await createDemoJob(stack);
      const people = ["technician", "expert", "trainee"] as const;
      const pages = await Promise.all(people.map((who) => openJob(browser, stack.server.url, who, job.id)));
      // Each tile as "who: state" ("who: connected" once it decodes frames), with the state's text, so
      // that a failure says which link of the mesh did not come up, and why.
      const tiles = (page: Page) =>
        page.locator('[data-testid^="video-peer-"]').evaluateAll((els: PageElement[]) =>
          els
            .map((e) => {
              const decoding = e.getAttribute("data-state") === "connected" && Number(e.getAttribute("data-frames-decoded")) > 0;
              return `${e.getAttribute("data-username")}: ${decoding ? "connected" : `${e.getAttribute("data-state")} ${e.querySelector('[data-testid="peer-state"]')?.textContent ?? ""}`}`;
            })
            .sort(),
        );
      for (const [i, page] of pages.entries()) {
        const others = people.filter((_, j) => j !== i).sort();
        await expect.poll(() => tiles(page), { timeout: 60_000 }).toEqual(others.map((who) => `${who}: connected`));
      }
      await pages[2]!.screenshot({ path: join(OUTPUT, "job-video-mesh-trainee.png"), fullPage: true, timeout: 90_000 });
      for (const page of pages) await page.context().close();
    }, 200_000);
  });

  describe("through coturn only (iceTransportPolicy relay)", () => {
    let coturn: Coturn;
    let stack: DemoStack;
    beforeAll(async () => {
      coturn = await startCoturn();
      stack = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT, rtc: { turnUrls: [coturn.url], turnSecret: coturn.secret, iceTransportPolicy: "relay" } });
    }, 60_000);
    afterAll(async () => {
      await stack?.close();
      await coturn?.stop();
    });

    it("decodes frames on both sides over a relay candidate pair", async () => {
      const job = await createDemoJob(stack);
      const technician = await openJob(browser, stack.server.url, "technician", job.id);
      const expert = await openJob(browser, stack.server.url, "expert", job.id);
      try {
        await expectVideoBothWays(technician, expert);
      } catch (err) {
        throw new Error(`${String(err)}\ncoturn log:\n${coturn.log().slice(-4000)}`, { cause: err });
      }
      for (const page of [technician, expert]) {
        const { local, remote: far } = await remote(page);
        expect([local, far]).toEqual(["relay", "relay"]);
      }
      await technician.screenshot({ path: join(OUTPUT, "job-video-relay-technician.png"), fullPage: true, timeout: 90_000 });
      await expert.screenshot({ path: join(OUTPUT, "job-video-relay-expert.png"), fullPage: true, timeout: 90_000 });
      await technician.context().close();
      await expert.context().close();
    }, 120_000);

    it("says that media cannot connect, with the reason, when coturn refuses the credential", async () => {
      // A server whose secret is not coturn's: every allocation is refused (401), and relay only leaves no other path.
      const wrong = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT, rtc: { turnUrls: [coturn.url], turnSecret: "not-the-secret", iceTransportPolicy: "relay" } });
      try {
        const job = await createDemoJob(wrong);
        const technician = await openJob(browser, wrong.server.url, "technician", job.id);
        const expert = await openJob(browser, wrong.server.url, "expert", job.id);
        for (const page of [technician, expert]) {
          await expect.poll(async () => (await remote(page)).state, { timeout: 45_000 }).toBe("failed");
          const badge = await page.locator('[data-testid^="video-peer-"] [data-testid="peer-state"]').textContent();
          expect(badge).toContain("媒体无法连接");
          expect(badge).toContain(coturn.url);
          expect((await remote(page)).frames).toBe(0);
          expect(await page.getByTestId("media-state").getAttribute("data-state")).toBe("failed");
        }
        await technician.screenshot({ path: join(OUTPUT, "job-video-failed-technician.png"), fullPage: true, timeout: 90_000 });
        await technician.context().close();
        await expert.context().close();
      } finally {
        await wrong.close();
      }
    }, 120_000);
  });
});
