// Course video figures: N Chromium subscribers of one publisher through Janus's VideoRoom, on this
// machine, each figure beside the same for N/2 measured in the same run. Printed, never asserted.
//  - join time: from opening the lesson's video page (signed in already) to the first decoded frame
//    (the video element has data), p50 and p95 over the subscribers of the step;
//  - frames decoded per second per subscriber over a window, and packets lost (inbound-rtp);
//  - CPU per subscriber over the same window, from /proc, as % of one core: Janus's process, and
//    every Chromium process (the publisher's browser too, a constant share); and the CPU per added
//    subscriber between the two steps, where that constant cancels.
// COURSE_SUBSCRIBERS=N (default 6: what two shared cores take), COURSE_WINDOW_MS (default 10000).
// First the socket.io side (_course-socket.ts): COURSE_TRAINEES (default 300) trainees of one lesson
// receiving quizzes, chat and live readings, beside a bare relay. COURSE_PARTS=socket or video runs one.
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_WEB_ROOT, startServer } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { seedUsers, TEST_PASSWORD } from "../test/fakes/auth";
import { signIn } from "../test/fakes/browser";
import { launchChromium } from "../test/peers/chromium";
import { startJanus } from "../test/peers/janus";
import { courseSocketFigures } from "./_course-socket";

const N = Number(process.env["COURSE_SUBSCRIBERS"] ?? 6);
const WINDOW_MS = Number(process.env["COURSE_WINDOW_MS"] ?? 10_000);
const ROOM = "lesson-bench";
const TICKS = 100; // USER_HZ on Linux

/** utime + stime in ticks of every descendant of this process whose command name matches. */
function cpuTicks(match: RegExp, root = process.pid): number {
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      const pid = Number(entry);
      names.set(pid, stat.slice(stat.indexOf("(") + 1, close));
      parent.set(pid, Number(fields[1]));
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // gone meanwhile
    }
  }
  const descends = (pid: number): boolean => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true;
    return false;
  };
  let total = 0;
  for (const [pid, t] of ticks) if (match.test(names.get(pid) ?? "") && descends(pid)) total += t;
  return total;
}

const pct = (ticks: number, ms: number, n: number) => ((ticks / TICKS) * 1000 * 100) / ms / n;
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;

async function join(page: Page, url: string): Promise<number> {
  const started = performance.now();
  await page.goto(`${url}/#/media/${ROOM}`);
  // The video element has a frame to show (HAVE_CURRENT_DATA), asked every 50 ms.
  const video = page.getByTestId("media-room-feed").locator("video");
  await video.waitFor({ timeout: 120_000 });
  while ((await video.evaluate((v: { readyState: number }) => v.readyState)) < 2) {
    if (performance.now() - started > 120_000) throw new Error("no decoded frame within 120000 ms");
    await sleep(50);
  }
  return performance.now() - started;
}

const feedStats = async (page: Page) => {
  const feed = page.getByTestId("media-room-feed");
  return { frames: Number(await feed.getAttribute("data-frames")), lost: Number(await feed.getAttribute("data-lost")) };
};

interface Step {
  n: number;
  joinP50: number;
  joinP95: number;
  fps: number;
  lost: number;
  janusCpu: number;
  chromiumCpu: number;
}

async function measure(pages: Page[], joins: number[]): Promise<Omit<Step, "n">> {
  const before = await Promise.all(pages.map(feedStats));
  const janus0 = cpuTicks(/^janus/);
  const chrome0 = cpuTicks(/^chrom/);
  const t0 = performance.now();
  await sleep(WINDOW_MS);
  const ms = performance.now() - t0;
  const janusCpu = pct(cpuTicks(/^janus/) - janus0, ms, pages.length);
  const chromiumCpu = pct(cpuTicks(/^chrom/) - chrome0, ms, pages.length);
  const after = await Promise.all(pages.map(feedStats));
  const fps = after.reduce((sum, a, i) => sum + (a.frames - before[i]!.frames), 0) / pages.length / (ms / 1000);
  return { joinP50: quantile(joins, 0.5), joinP95: quantile(joins, 0.95), fps, lost: after.reduce((sum, a) => sum + a.lost, 0), janusCpu, chromiumCpu };
}

const PARTS = new Set((process.env["COURSE_PARTS"] ?? "socket,video").split(","));
if (PARTS.has("socket")) await courseSocketFigures(Number(process.env["COURSE_TRAINEES"] ?? 300));
if (PARTS.has("video")) await videoFigures();

async function videoFigures(): Promise<void> {
const janus = await startJanus();
const server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: DEFAULT_WEB_ROOT, janus: { url: janus.url, roomAdminKey: janus.roomAdminKey } });
let publisherBrowser: Browser | null = null;
let browser: Browser | null = null;
try {
  await seedUsers(server);
  const names = Array.from({ length: N }, (_, i) => `bench-trainee${i + 1}`);
  for (const username of names) await server.store.auth.createUser({ organisationId: "org-a", username, displayName: username, role: "trainee", password: TEST_PASSWORD });
  server.media.open(ROOM, (user) => (user.username === "trainer" ? "publisher" : user.username.startsWith("bench-trainee") ? "subscriber" : null));
  // The publisher in a browser of its own, as it would be on the trainer's machine.
  publisherBrowser = await launchChromium();
  const trainer = await signIn(publisherBrowser, server.url, "trainer");
  await trainer.goto(`${server.url}/#/media/${ROOM}`);
  const local = trainer.getByTestId("media-room-local");
  await local.waitFor({ timeout: 60_000 });
  for (const until = Date.now() + 60_000; Number(await local.getAttribute("data-frames")) === 0; ) {
    if (Date.now() > until) throw new Error("the trainer's page encoded no frame within 60000 ms");
    await sleep(200);
  }

  browser = await launchChromium();
  const pages = await Promise.all(names.map((who) => signIn(browser!, server.url, who)));
  const steps: Step[] = [];
  const joins: number[] = [];
  for (const n of [Math.max(1, Math.floor(N / 2)), N]) {
    // Each step's newcomers join one after another, as trainees trickle in.
    const newcomers = pages.slice(steps.length === 0 ? 0 : steps[0]!.n, n);
    const stepJoins: number[] = [];
    for (const page of newcomers) stepJoins.push(await join(page, server.url));
    joins.push(...stepJoins);
    steps.push({ n, ...(await measure(pages.slice(0, n), stepJoins)) });
  }
  const cores = readFileSync("/proc/cpuinfo", "utf8").match(/^processor/gm)?.length ?? 0;
  process.stdout.write(`course: one publisher, N Chromium subscribers through Janus VideoRoom (${cores} cores, ${WINDOW_MS} ms windows)\n`);
  process.stdout.write("  subscribers  join p50  join p95  fps/sub  lost pkts  Janus CPU/sub  Chromium CPU/sub\n");
  for (const s of steps) {
    process.stdout.write(
      `  ${String(s.n).padStart(11)}  ${s.joinP50.toFixed(0).padStart(6)} ms  ${s.joinP95.toFixed(0).padStart(6)} ms  ${s.fps.toFixed(1).padStart(7)}  ${String(s.lost).padStart(9)}  ${s.janusCpu.toFixed(1).padStart(11)} %  ${s.chromiumCpu.toFixed(1).padStart(14)} %\n`,
    );
  }
  const [half, full] = steps as [Step, Step];
  const ratio = (a: number, b: number) => (b === 0 ? "n/a" : (a / b).toFixed(2));
  const added = full.n - half.n;
  const marginal = (perSub: (s: Step) => number) => (added > 0 ? ((perSub(full) * full.n - perSub(half) * half.n) / added).toFixed(1) : "n/a");
  process.stdout.write(
    `  ratios ${full.n}/${half.n}: join p95 ${ratio(full.joinP95, half.joinP95)}, fps/sub ${ratio(full.fps, half.fps)}, Janus CPU total ${ratio(full.janusCpu * full.n, half.janusCpu * half.n)}, Chromium CPU total ${ratio(full.chromiumCpu * full.n, half.chromiumCpu * half.n)}\n`,
  );
  process.stdout.write(`  per added subscriber (${half.n} -> ${full.n}): Janus ${marginal((s) => s.janusCpu)} %, Chromium ${marginal((s) => s.chromiumCpu)} % of a core\n`);
} finally {
  await browser?.close();
  await publisherBrowser?.close();
  await server.close();
  await janus.stop();
}
}
