import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT } from "@telecal/server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("shows the DMM's value changing, in Chinese first and in English on request", async () => {
    const page = await browser.newPage();
    await page.goto(stack.server.url);
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    await expect.poll(() => page.getByText("远程校准协作平台").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId("conn-state").getAttribute("data-state"), { timeout: 10_000 })
      .toBe("connected");

    const value = page.getByTestId("live-value-lab-test/dmm1.dcv");
    await value.waitFor({ timeout: 15_000 });
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          seen.add((await value.textContent()) ?? "");
          return seen.size;
        },
        { timeout: 15_000, interval: 150 },
      )
      .toBeGreaterThanOrEqual(3);
    for (const text of seen) expect(text).toMatch(/^10\.0000\d+ V$|^$/);

    await page.getByTestId("lang-switch").click();
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    await page.close();
  });
});
