import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../fakes/auth";
import { type Stack, startStack } from "../fakes/stack";
import { launchChromium } from "../peers/chromium";

describe("the live page in Chromium", () => {
  let stack: Stack;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
      throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    }
    browser = await launchChromium();
    stack = await startStack({ webRoot: DEFAULT_WEB_ROOT, intervalMs: 200 });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("signs in, shows the DMM's value changing, in Chinese first and in English on request, and signs out", async () => {
    const page = await browser.newPage();
    await page.goto(stack.server.url);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect.poll(() => page.getByText("远程校准协作平台").count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // No session: the sign-in page, and no live socket.
    await page.getByTestId("sign-in-username").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("conn-state").count()).toBe(0);
    await page.getByTestId("sign-in-username").fill("technician");
    await page.getByTestId("sign-in-password").fill("wrong");
    await page.getByTestId("sign-in-submit").click();
    await expect.poll(() => page.getByTestId("sign-in-error").textContent(), { timeout: 10_000 }).toBe("用户名或密码错误");
    await page.getByTestId("sign-in-password").fill(TEST_PASSWORD);
    await page.getByTestId("sign-in-submit").click();
    // The session is an HttpOnly cookie: page scripts cannot read it.
    expect(await page.evaluate("document.cookie")).toBe("");
    await expect
      .poll(() => page.getByTestId("conn-state").getAttribute("data-state"), { timeout: 10_000 })
      .toBe("connected");

    // After sign-in the dashboard; the live readings are one click away.
    await page.getByTestId("dashboard").waitFor({ timeout: 10_000 });
    await page.getByTestId("nav-live").click();
    const value = page.getByTestId("live-value-lab-test:dmm1.dcv");
    await value.waitFor({ timeout: 15_000 });
    // The displayed value must change while we watch: count changes of the text, not distinct
    // values (at 7 digits the simulated 10 V with µV noise shows only a few distinct values).
    let last = "";
    let changes = 0;
    const texts: string[] = [];
    await expect
      .poll(
        async () => {
          const text = (await value.textContent()) ?? "";
          if (/^10\.0000\d+ V$/.test(text) && text !== last) {
            if (last !== "") changes++;
            texts.push(text);
            last = text;
          }
          return changes;
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(2);

    await page.getByTestId("lang-switch").click();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");

    await page.getByTestId("sign-out").click();
    await page.getByTestId("sign-in-username").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("conn-state").count()).toBe(0);
    const me = await page.evaluate(async () => (await fetch("/api/auth/me")).status);
    expect(me).toBe(401);
    await page.close();
  });
});
