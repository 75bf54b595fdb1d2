import { existsSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

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

/** A test file's Chromium: every page in a context of its own (a device of its own), all closed together. */
export interface Pages {
  browser: Browser;
  /** A new page in a new context: `defaults` of launchPages, then `options`. */
  open(options?: BrowserContextOptions): Promise<Page>;
  /** Closes every context, then the browser. */
  close(): Promise<void>;
}

/**
 * Launches Chromium for one test file. Each page gets `timeoutMs` as its default timeout, and each
 * context runs `initScript` (if any) before the page's own scripts.
 */
export async function launchPages(opts: { timeoutMs: number; defaults?: BrowserContextOptions; initScript?: string }): Promise<Pages> {
  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async open(options = {}) {
      const context = await browser.newContext({ ...opts.defaults, ...options });
      contexts.push(context);
      if (opts.initScript) await context.addInitScript(opts.initScript);
      const page = await context.newPage();
      page.setDefaultTimeout(opts.timeoutMs);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
