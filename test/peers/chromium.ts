import { type Browser, chromium } from "playwright-core";
import { requireTool } from "./require-tool";

/** Flags that keep Debian's Chromium headless, rootable and off the closed network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--use-fake-device-for-media-stream",
  "--use-fake-ui-for-media-stream",
  "--allow-loopback-in-peer-connection",
];

/** Debian's Chromium driven by playwright-core; never a downloaded browser. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = requireTool("chromium", "/usr/bin/chromium");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
