import type { Page } from "playwright-core";

/** The seed's 2-2-1 parameter names, as the parameter table labels its rows. */
export const SEED_PARAMS = ["w11", "w12", "w21", "w22", "b1", "b2", "wo1", "wo2", "bo"] as const;

/**
 * Runs in every document before the app (as a string: nothing of the test's bundle leaks in). Records
 * `performance.now()` when a form is submitted and when the parameter table first shows a value, and
 * keeps every WebSocket the page opens (marking the one Socket.IO upgraded to) so a test can speak on
 * the page's own socket.
 */
export const PROBE_SCRIPT = `(() => {
  const probe = { submittedAt: null, firstParamsAt: null, sockets: [] };
  window.__e2e = probe;
  document.addEventListener("submit", () => { if (probe.submittedAt === null) probe.submittedAt = performance.now(); }, true);
  const seen = () => {
    const cell = document.querySelector('[data-testid="param-value-w11"]');
    if (probe.firstParamsAt === null && cell && cell.textContent.trim() !== "") {
      probe.firstParamsAt = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(seen);
  observer.observe(document, { subtree: true, childList: true, characterData: true });
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      const entry = { ws: this, upgraded: false };
      probe.sockets.push(entry);
      const send = this.send.bind(this);
      // Engine.IO's upgrade packet is "5": from then on this socket carries the session.
      this.send = (data) => { if (data === "5") entry.upgraded = true; send(data); };
    }
  };
})();`;

/** The probe's timestamps (ms since this document's navigation start). */
export interface ProbeTimes {
  submittedAt: number | null;
  firstParamsAt: number | null;
}

/** Reads the probe's timestamps. */
export function readProbe(page: Page): Promise<ProbeTimes> {
  return page.evaluate("({ submittedAt: window.__e2e.submittedAt, firstParamsAt: window.__e2e.firstParamsAt })") as Promise<ProbeTimes>;
}

/** Waits until the element with `testId` has exactly `text` as its text. */
export async function waitForText(page: Page, testId: string, text: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want, [testId, text] as const, { timeout });
}

/** Waits until the element with `testId` has `attr` equal to `value`. */
export async function waitForAttr(page: Page, testId: string, attr: string, value: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(([id, name, want]) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(name) === want, [testId, attr, value] as const, { timeout });
}

/** Value, gradient and Δ of every seed parameter as the table prints them. */
export function readParameterTable(page: Page): Promise<Record<string, [string, string, string]>> {
  return page.evaluate((names) => {
    const text = (id: string) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? "(missing)";
    return Object.fromEntries(names.map((n) => [n, [text(`param-value-${n}`), text(`param-grad-${n}`), text(`param-delta-${n}`)]]));
  }, [...SEED_PARAMS]);
}

/** Only the value column of the parameter table. */
export async function readParameterValues(page: Page): Promise<Record<string, string>> {
  const table = await readParameterTable(page);
  return Object.fromEntries(Object.entries(table).map(([n, [value]]) => [n, value]));
}

/**
 * Emits `session:control` on the page's own upgraded Socket.IO WebSocket (as the app would, had it a
 * button for it) and resolves with the server's acknowledgement.
 */
export async function emitControlOnPageSocket(page: Page, control: Record<string, unknown>): Promise<unknown> {
  await page.waitForFunction("window.__e2e.sockets.some((s) => s.upgraded && s.ws.readyState === 1)", undefined, { timeout: 15_000 });
  return page.evaluate((payload) => {
    const ACK_ID = 999_001;
    const entry = (window as unknown as { __e2e: { sockets: { ws: WebSocket; upgraded: boolean }[] } }).__e2e.sockets.filter((s) => s.upgraded && s.ws.readyState === 1).at(-1)!;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no acknowledgement within 8 s")), 8000);
      entry.ws.addEventListener("message", (e: MessageEvent) => {
        // Engine.IO message (4) carrying a Socket.IO ACK (3) with our id.
        const prefix = `43${ACK_ID}`;
        if (typeof e.data !== "string" || !e.data.startsWith(prefix)) return;
        clearTimeout(timer);
        resolve((JSON.parse(e.data.slice(prefix.length)) as unknown[])[0]);
      });
      entry.ws.send(`42${ACK_ID}${JSON.stringify(["session:control", payload])}`);
    });
  }, control);
}

/** Whether the page scrolls sideways (content wider than the viewport). */
export function measureOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number }> {
  return page.evaluate("({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })") as Promise<{ scrollWidth: number; innerWidth: number }>;
}
