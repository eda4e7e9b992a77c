import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { TEST_PASSWORD } from "./auth";

/** Screenshots for a person to look at: test/output is ignored by git. */
export const SCREENSHOTS = join(import.meta.dirname, "..", "output");

/**
 * A new browser context signed in through the sign-in page, at the dashboard, laptop-sized.
 * `prepare` runs on the page before it loads anything (to route its socket, say).
 */
export async function signIn(browser: Browser, url: string, username: string, prepare?: (page: Page) => Promise<void>, password = TEST_PASSWORD): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  await prepare?.(page);
  // A loaded 2-core machine (two browser tests side by side) may take longer than the default 30 s to load the app.
  await page.goto(url, { timeout: 90_000 });
  await page.getByTestId("sign-in-username").fill(username);
  await page.getByTestId("sign-in-password").fill(password);
  await page.getByTestId("sign-in-submit").click();
  await page.getByTestId("dashboard").waitFor({ timeout: 15_000 });
  return page;
}
