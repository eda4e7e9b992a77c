import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { MediaTicketSfu } from "@telecal/protocols";
import { DEFAULT_WEB_ROOT, startServer, type TelecalServer } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../fakes/auth";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { JanusParticipant, videoRoomError } from "../fakes/janus-participant";
import { launchChromium } from "../peers/chromium";
import { type Janus, startJanus } from "../peers/janus";

const ROOM = "lesson-e2e";

const userIdOf = async (server: TelecalServer, username: string) => (await server.auth.session(await login(server, username), "test")).user.id;
const TRAINEES = ["trainee1", "trainee2", "trainee3"] as const;

async function openRoom(browser: Browser, url: string, username: string): Promise<Page> {
  const page = await signIn(browser, url, username);
  await page.goto(`${url}/#/media/${ROOM}`);
  await page.getByTestId("media-room").waitFor({ timeout: 30_000 });
  return page;
}

/** The room's state on a page, with its text, so that a failure says why. */
const stateOf = async (page: Page) => {
  const room = page.getByTestId("media-room");
  return `${await room.getAttribute("data-state")}: ${await page.getByTestId("media-room-state").textContent()}`;
};

/** Frames decoded on the page's one received video (inbound-rtp framesDecoded), 0 before it has one. */
const decoded = async (page: Page) => {
  const feeds = page.getByTestId("media-room-feed");
  if ((await feeds.count()) !== 1) return 0;
  return Number(await feeds.first().getAttribute("data-frames"));
};

/**
 * A trainer and three enrolled trainees, each their own account and browser context of Debian's
 * Chromium with a fake camera, in one lesson's video through a Janus this test started: the trainer
 * sends, each trainee decodes. Someone the lesson does not let in gets no ticket, and Janus itself
 * refuses a join without a token and a subscription without a participant's private id.
 */
describe("a lesson's video through Janus in Chromium: one sender, three viewers", () => {
  let janus: Janus;
  let server: TelecalServer;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    janus = await startJanus();
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: DEFAULT_WEB_ROOT, janus: { url: janus.url, roomAdminKey: janus.roomAdminKey, guardMs: 500 } });
    await seedUsers(server);
    for (const username of TRAINEES) await server.store.auth.createUser({ organisationId: "org-a", username, displayName: username, role: "trainee", password: TEST_PASSWORD });
    // The lesson's check, as a course passes it: its trainer sends, its enrolled trainees watch.
    const enrolled = new Set<string>(TRAINEES);
    server.media.open(ROOM, (user) => (user.username === "trainer" ? "publisher" : enrolled.has(user.username) ? "subscriber" : null));
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await janus?.stop();
  });

  it("every trainee decodes the trainer's video, and more of it a moment later", async () => {
    const trainer = await openRoom(browser, server.url, "trainer");
    try {
      await expect.poll(() => stateOf(trainer), { timeout: 30_000 }).toMatch(/^joined/);
      expect(await trainer.getByTestId("media-room").getAttribute("data-role")).toBe("publisher");
      await expect.poll(async () => Number(await trainer.getByTestId("media-room-local").getAttribute("data-frames")), { timeout: 30_000 }).toBeGreaterThan(0);
    } catch (err) {
      throw new Error(`${String(err)}\njanus log:\n${janus.log().slice(-4000)}`, { cause: err });
    }
    const trainees = await Promise.all(TRAINEES.map((who) => openRoom(browser, server.url, who)));
    for (const page of trainees) {
      await expect.poll(() => stateOf(page), { timeout: 30_000 }).toMatch(/^joined/);
      expect(await page.getByTestId("media-room").getAttribute("data-role")).toBe("subscriber");
      await expect.poll(() => decoded(page), { timeout: 45_000 }).toBeGreaterThan(0);
    }
    const before = await Promise.all(trainees.map(decoded));
    for (const [i, page] of trainees.entries()) await expect.poll(() => decoded(page), { timeout: 15_000 }).toBeGreaterThan(before[i]!);
    // Nobody but the trainer sends: Janus lists four participants, one of them publishing.
    const probe = await JanusParticipant.attach(janus.url);
    const ticket = (await server.media.ticket(ROOM, (await server.auth.session(await login(server, "trainee1"), "test")).user)) as MediaTicketSfu;
    const participants = await probe.participants(ticket.room);
    expect(participants.length).toBe(4);
    expect(participants.filter((p) => p.publisher).length).toBe(1);
    await probe.destroy();
    await trainer.screenshot({ path: join(SCREENSHOTS, "media-room-trainer.png"), fullPage: true, timeout: 90_000 });
    await trainees[0]!.screenshot({ path: join(SCREENSHOTS, "media-room-trainee.png"), fullPage: true, timeout: 90_000 });

    // A participant without a token is refused by Janus on join; a subscription to the trainer's
    // live feed without a participant's private id is refused too.
    const trainerFeed = participants.find((p) => p.publisher)!.id;
    const stranger = await JanusParticipant.attach(janus.url);
    expect(videoRoomError(await stranger.join(ticket.room, { display: "stranger" }))).toBe(433);
    expect(videoRoomError(await stranger.subscribe(ticket.room, trainerFeed))).toBe(433);
    expect(videoRoomError(await stranger.subscribe(ticket.room, trainerFeed, 12345))).toBe(433);
    await stranger.destroy();
    // A trainee leaves the page: the page gives its ticket back, and Janus has one participant fewer.
    await trainees[2]!.goto(`${server.url}/#/`);
    const watcher = await JanusParticipant.attach(janus.url);
    await expect.poll(async () => (await watcher.participants(ticket.room)).length, { timeout: 15_000 }).toBe(3);
    await watcher.destroy();
    for (const page of [trainer, ...trainees]) await page.context().close();
    // They leave the lesson: the lesson takes them out, and Janus's room is empty again.
    for (const who of ["trainer", ...TRAINEES]) await server.media.remove(ROOM, await userIdOf(server, who));
    const after = await JanusParticipant.attach(janus.url);
    expect(await after.participants(ticket.room)).toEqual([]);
    await after.destroy();
  }, 240_000);

  it("someone the lesson does not let in gets no ticket: the page says so, and Janus never hears of them", async () => {
    const expert = await openRoom(browser, server.url, "expert");
    await expect.poll(() => stateOf(expert), { timeout: 15_000 }).toMatch(/^refused: .*TC_ERR_MEDIA_REFUSED/);
    expect(await expert.getByTestId("media-room-feed").count()).toBe(0);
    await expert.screenshot({ path: join(SCREENSHOTS, "media-room-refused.png"), fullPage: true, timeout: 90_000 });
    await expert.context().close();
  }, 60_000);

  it("a trainee who sends without being on stage is kicked by the server's guard", async () => {
    const trainer = await openRoom(browser, server.url, "trainer");
    await expect.poll(() => stateOf(trainer), { timeout: 30_000 }).toMatch(/^joined/);
    // A trainee's page forced to publish: a ticket as a subscriber, but the page sends anyway.
    const trainee = await signIn(browser, server.url, "trainee2");
    await trainee.route(`**/api/media/rooms/${ROOM}/ticket`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), role: "publisher" } });
    });
    await trainee.goto(`${server.url}/#/media/${ROOM}`);
    await expect.poll(() => stateOf(trainee), { timeout: 45_000 }).toMatch(/^refused: .*kicked/);
    await trainer.context().close();
    await trainee.context().close();
  }, 120_000);
});

describe("a lesson's video page on a server without Janus", () => {
  let server: TelecalServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: DEFAULT_WEB_ROOT });
    await seedUsers(server);
    server.media.open(ROOM, (user) => (user.role === "trainee" ? "subscriber" : null));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("says that video falls back to the mesh, for 4 people at most", async () => {
    const trainee = await openRoom(browser, server.url, "trainee");
    await expect.poll(() => stateOf(trainee), { timeout: 15_000 }).toMatch(/^mesh/);
    expect(await trainee.getByTestId("media-room-mesh").textContent()).toContain("最多 4 人");
    await trainee.context().close();
  }, 60_000);
});
