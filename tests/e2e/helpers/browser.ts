import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it). Playwright's own download is not used. */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/** Whether the end-to-end tests can run here. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** Headless Chromium without sandbox, GPU or any background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
}
