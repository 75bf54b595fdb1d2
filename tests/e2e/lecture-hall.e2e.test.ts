import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAxe } from "./helpers/axe";
import { hasChromium, launchPages, type Pages } from "./helpers/browser";
import { ensureNextBuild, ROOT } from "./helpers/next-build";
import { measureOverflow, waitForAttr, waitForText } from "./helpers/page-probes";
import { startServerProcess, type ServerProcess } from "./helpers/server-process";
import { writeThumbnail } from "./helpers/thumbnail";

const SCREENS = path.join(ROOT, "tests/e2e/screenshots/lecture-hall");
const PROJECTOR: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };
const CONSOLE: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
/** `npm run screens` sets this: the README's pictures are regenerated from this run. */
const DOCS_SCREENS = process.env.SCREENS_TO_DOCS === "1" ? path.join(ROOT, "docs/screens") : null;
/** Records the font and canvas of every text painted on a canvas (the charts' axes), for the projector's font check. */
const CANVAS_TEXT_PROBE = `(() => {
  const drawn = (window.__canvasText = []);
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, max) {
    drawn.push({ canvas: this.canvas, font: this.font, text: String(text) });
    if (drawn.length > 400) drawn.splice(0, drawn.length - 400);
    return fill.call(this, text, x, y, max);
  };
})()`;
const PRIMARY_CONTROLS = ["play-pause", "step-1", "next-phase", "speed-input", "connection-state", "step-number"];

/**
 * The lecture hall (issue 14): the projector (1920×1080), the instructor's console (1366×768) and a
 * phone (390×844), photographed at step 0, mid phase walk, during a poll and after fast-forward, with
 * the layout checks a room needs and axe-core in light and dark themes.
 */
describe.skipIf(!hasChromium)("the lecture hall in Chromium", () => {
  let server: ServerProcess;
  let pages: Pages;
  let session: { id: string; joinCode: string; instructorKey: string };
  let projector: Page;
  let console_: Page;
  let phone: Page;

  async function shootAll(moment: string): Promise<void> {
    await projector.screenshot({ path: path.join(SCREENS, `projector-${moment}.png`) });
    await console_.screenshot({ path: path.join(SCREENS, `console-${moment}.png`) });
    await phone.screenshot({ path: path.join(SCREENS, `phone-${moment}.png`) });
  }

  /**
   * Every projector number ≥ 28 px and every label ≥ 20 px, as drawn on the screen: the marked HTML text
   * (computed font size), uPlot's legend, the diagram's SVG text (font size × the SVG's on-screen scale)
   * and every text the charts paint on a canvas (recorded by CANVAS_TEXT_PROBE: font × the canvas's CSS
   * scale). Numbers are texts made of digits; everything else is a label.
   */
  async function projectorFontSizes(): Promise<{ numbers: number[]; labels: number[]; svg: number; canvas: number }> {
    return projector.evaluate(() => {
      const numeric = (t: string) => /^[−\-+]?[\d.,]+(e[−\-+]?\d+)?%?$/.test(t.trim());
      const shown = (e: Element) => (e as HTMLElement).offsetParent !== null || (e instanceof SVGElement && e.getClientRects().length > 0);
      const out = { numbers: [] as number[], labels: [] as number[], svg: 0, canvas: 0 };
      const add = (px: number, text: string) => (numeric(text) ? out.numbers : out.labels).push(Math.round(px * 10) / 10);
      const css = (e: Element) => parseFloat(getComputedStyle(e).fontSize);
      for (const e of document.querySelectorAll("[data-proj-number]")) if (shown(e)) out.numbers.push(css(e));
      for (const e of document.querySelectorAll("[data-proj-label]")) if (shown(e)) out.labels.push(css(e));
      for (const e of document.querySelectorAll(".u-legend th, .u-legend td")) if (shown(e) && e.textContent!.trim()) add(css(e), e.textContent!);
      for (const t of document.querySelectorAll("svg text")) {
        if (!shown(t) || !t.textContent!.trim()) continue;
        out.svg++;
        add(css(t) * (t as SVGTextElement).getScreenCTM()!.a, t.textContent!);
      }
      const drawn = (window as unknown as { __canvasText: { canvas: HTMLCanvasElement; font: string; text: string }[] }).__canvasText ?? [];
      for (const d of drawn) {
        if (!d.canvas.isConnected || d.canvas.offsetParent === null) continue;
        out.canvas++;
        add(parseFloat(/([\d.]+)px/.exec(d.font)![1]) * (d.canvas.getBoundingClientRect().width / d.canvas.width), d.text);
      }
      return out;
    });
  }

  async function checkLayouts(): Promise<Awaited<ReturnType<typeof projectorFontSizes>>> {
    const fit = await measureOverflow(phone);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    await console_.evaluate(() => window.scrollTo(0, 0));
    for (const id of PRIMARY_CONTROLS) {
      const box = await console_.getByTestId(id).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.y + box!.height, `${id} inside the first 768 px`).toBeLessThanOrEqual(768);
      expect(box!.x + box!.width, `${id} inside 1366 px`).toBeLessThanOrEqual(1366);
    }
    const fonts = await projectorFontSizes();
    expect(fonts.numbers.length).toBeGreaterThan(0);
    expect(fonts.labels.length).toBeGreaterThan(0);
    for (const n of fonts.numbers) expect(n, "a number on the projector").toBeGreaterThanOrEqual(28);
    for (const l of fonts.labels) expect(l, "a label on the projector").toBeGreaterThanOrEqual(20);
    return fonts;
  }

  beforeAll(async () => {
    await ensureNextBuild();
    await mkdir(SCREENS, { recursive: true });
    server = await startServerProcess();
    pages = await launchPages({ timeoutMs: 20_000 });
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Backprop on XOR" }) });
    session = await res.json();
  }, 600_000);

  afterAll(async () => {
    await pages?.close();
    await server?.stop();
  }, 30_000);

  it("step 0: the three views open and fit their screens", async () => {
    console_ = await pages.open(CONSOLE);
    await console_.goto(`${server.url}/s/${session.joinCode}/present#key=${encodeURIComponent(session.instructorKey)}`);
    await waitForAttr(console_, "connection-state", "data-connection", "live");
    projector = await pages.open(PROJECTOR);
    await projector.addInitScript(CANVAS_TEXT_PROBE);
    await projector.goto(`${server.url}/s/${session.joinCode}/projector`);
    await projector.getByTestId("projector-network").waitFor();
    phone = await pages.open(PHONE);
    await phone.goto(`${server.url}/s/${session.joinCode}?name=Ada`);
    await waitForAttr(phone, "connection-state", "data-connection", "live");
    // The projector link needs no key and shows no names or keys.
    const text = await projector.locator("body").innerText();
    expect(text).not.toContain("Ada");
    expect(text).not.toContain(session.instructorKey);
    // The network view: the diagram's SVG text is measured too.
    expect((await checkLayouts()).svg).toBeGreaterThan(4);
    await shootAll("step-0");
  }, 180_000);

  it("mid phase walk: the projector follows the walk", async () => {
    await console_.getByTestId("next-phase").click();
    await console_.getByTestId("next-phase").click();
    await waitForAttr(projector, "phase-indicator", "data-phase", "loss");
    // The current phase's equations are on the screen, not below the card's edge.
    await projector.waitForFunction(() => {
      const card = document.querySelector('[data-testid="projector-equations"]')!.getBoundingClientRect();
      const active = document.querySelector('[data-testid="projector-equations"] [data-testid="equations-loss"]')!.getBoundingClientRect();
      return active.top >= card.top && active.top + Math.min(active.height, 200) <= card.bottom;
    });
    await checkLayouts();
    await shootAll("phase-walk");
  }, 60_000);

  it("during a poll: the console chooses the projector's poll view; the question shows, no tally", async () => {
    await console_.getByTestId("next-phase").click();
    await console_.getByTestId("next-phase").click();
    await waitForText(console_, "step-number", "1");
    await console_.getByTestId("poll-kind-loss").check();
    await console_.getByTestId("poll-open").click();
    await console_.getByTestId("focus-poll").click();
    await waitForAttr(projector, "projector-view", "data-focus", "poll").catch(async (error: Error) => {
      // Seen once in a full run under load and not reproduced since: say what each side saw.
      const pressed = await console_.getByTestId("focus-poll").getAttribute("aria-pressed");
      const notice = await console_.locator("[role=status], [role=alert]").allTextContents();
      const shown = await projector.getByTestId("projector-view").getAttribute("data-focus");
      throw new Error(`${error.message}\nconsole: focus-poll aria-pressed=${pressed}, notices ${JSON.stringify(notice)}; projector shows ${shown}\nserver:\n${server.output().slice(-4000)}`);
    });
    await projector.locator("[data-testid=projector-poll][data-poll-state=open]").waitFor();
    expect(await projector.getByTestId("poll-tally").count()).toBe(0);
    await phone.getByTestId("poll-card").waitFor();
    await checkLayouts();
    await shootAll("poll");
    if (DOCS_SCREENS) {
      await mkdir(DOCS_SCREENS, { recursive: true });
      await writeThumbnail(pages.browser, projector, path.join(DOCS_SCREENS, "projector.png"), 640);
      await writeThumbnail(pages.browser, console_, path.join(DOCS_SCREENS, "console.png"), 640);
      await writeThumbnail(pages.browser, phone, path.join(DOCS_SCREENS, "phone.png"), 240);
    }
    await phone.getByTestId("poll-answer-up").click();
    await phone.getByTestId("poll-locked").waitFor();
    await console_.getByTestId("poll-reveal").click();
    await projector.locator("[data-testid=projector-poll][data-poll-state=revealed]").waitFor();
    await projector.getByTestId("poll-tally").waitFor();
    // The revealed result as numbers a screen reader reads (the bars are hidden from it).
    const tally = await projector.getByTestId("poll-tally").ariaSnapshot();
    expect(tally).toMatch(/Up.* 1 · 100%/);
    expect(tally).toMatch(/Down.* 0 · 0%/);
    expect(tally).toMatch(/1 vote\b/);
  }, 60_000);

  it("after fast-forward: the curve view shows the whole run", async () => {
    await console_.getByTestId("focus-curve").click();
    await waitForAttr(projector, "projector-view", "data-focus", "curve");
    await console_.getByTestId("fast-forward").click();
    await waitForText(projector, "projector-step", "12");
    // The curve view: uPlot's axis text, painted on its canvas, is measured too.
    await projector.waitForFunction(() => ((window as unknown as { __canvasText?: unknown[] }).__canvasText?.length ?? 0) > 0);
    expect((await checkLayouts()).canvas).toBeGreaterThan(2);
    await shootAll("fast-forward");
  }, 60_000);

  it("the phone shows the now header and the diagram on its first screen, the other panels one tap away", async () => {
    // The phone followed the projector to the curve; one tap brings the diagram back.
    await phone.getByTestId("panel-tab-network").click();
    const diagram = (await phone.getByTestId("network-diagram").boundingBox())!;
    expect(diagram.y).toBeLessThan(844);
    await phone.getByTestId("loss-now").waitFor();
    await phone.getByTestId("panel-tab-curve").click();
    expect(await phone.getByTestId("network-diagram").isVisible()).toBe(false);
    await phone.getByTestId("panel-tab-network").click();
    expect(await phone.getByTestId("network-diagram").isVisible()).toBe(true);
    // No keyboard hints on a touch screen.
    expect(await phone.locator("kbd:visible").count()).toBe(0);
  }, 30_000);

  it("the pictures' non-visual twins: the network as a table per layer, the equations as text, by keyboard", async () => {
    await phone.getByTestId("panel-tab-network").click();
    const table = phone.getByTestId("network-table");
    await table.locator("summary").focus();
    await phone.keyboard.press("Enter");
    expect(await table.getAttribute("open")).not.toBeNull();
    const tree = await table.ariaSnapshot();
    for (const caption of ["Inputs", "Hidden layer", "Output layer"]) expect(tree).toContain(caption);
    // The same numbers the diagram draws: ŷ's activation and w11 of this step.
    const yHat = (await phone.getByTestId("neuron-value-ŷ").textContent())!.trim();
    expect(await table.getByRole("row", { name: /^ŷ/ }).textContent()).toContain(yHat);
    expect(tree).toMatch(/w11 = −?\d/);
    await phone.getByTestId("panel-tab-equations").click();
    const equations = await phone.getByTestId("equation-panel").ariaSnapshot();
    expect(equations).toMatch(/ŷ.*=.*\d/);
    await phone.getByTestId("panel-tab-network").click();
  }, 30_000);

  for (const layers of [[2, 8, 8, 1], [2, 16, 16, 1]]) {
    it(`the diagram's label boxes are disjoint at ${layers.join("-")} (console and phone widths)`, async () => {
      const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Wide", layers }) });
      const wide = await res.json();
      for (const options of [CONSOLE, PHONE]) {
        const page = await pages.open(options);
        await page.goto(`${server.url}/s/${wide.joinCode}/present#key=${encodeURIComponent(wide.instructorKey)}`);
        await waitForAttr(page, "connection-state", "data-connection", "live");
        await page.getByTestId("step-1").click();
        await waitForText(page, "step-number", "1");
        await page.locator("[data-diagram-label=value]").first().waitFor();
        const boxes = await page.evaluate(() => [...document.querySelectorAll("[data-diagram-label]")].map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width, h: r.height })));
        expect(boxes.length).toBeGreaterThan(layers.reduce((a, b) => a + b, 0) - 1);
        for (let a = 0; a < boxes.length; a++) {
          for (let b = a + 1; b < boxes.length; b++) {
            const [p, q] = [boxes[a], boxes[b]];
            const overlap = p.x < q.x + q.w - 0.5 && q.x < p.x + p.w - 0.5 && p.y < q.y + q.h - 0.5 && q.y < p.y + p.h - 0.5;
            expect(overlap, `labels ${a} and ${b} overlap`).toBe(false);
          }
        }
        await page.screenshot({ path: path.join(SCREENS, `diagram-${layers.join("-")}-${options === PHONE ? "phone" : "console"}.png`) });
      }
    }, 90_000);
  }

  it("the start form's submit is visible without scrolling at 1366×768 and usable at 768 px wide", async () => {
    const laptop = await pages.open(CONSOLE);
    await laptop.goto(`${server.url}/`);
    const submit = (await laptop.getByTestId("start-submit").boundingBox())!;
    expect(submit.y + submit.height, "Start session inside the first 768 px").toBeLessThanOrEqual(768);
    expect(submit.x + submit.width).toBeLessThanOrEqual(1366);
    const tablet = await pages.open({ viewport: { width: 768, height: 1024 }, hasTouch: true });
    await tablet.goto(`${server.url}/`);
    const fit = await measureOverflow(tablet);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    await tablet.getByTestId("start-submit").scrollIntoViewIfNeeded();
    const box = (await tablet.getByTestId("start-submit").boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(768);
    // Usable: a tap starts a session and opens its console.
    await tablet.getByTestId("start-submit").tap();
    await tablet.waitForURL(/\/s\/[A-Z0-9]{6}\/present/);
  }, 60_000);

  it("the data editor takes pasted CSV; its errors count lines from 1, the server's included", async () => {
    const res = await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Own data" }) });
    const own = await res.json();
    const page = await pages.open(CONSOLE);
    await page.goto(`${server.url}/s/${own.joinCode}/present#key=${encodeURIComponent(own.instructorKey)}`);
    await waitForAttr(page, "connection-state", "data-connection", "live");
    await page.getByTestId("tool-data").locator("summary").click();
    const paste = async (csv: string) => {
      await page.getByTestId("csv-paste").fill(csv);
      await page.getByTestId("csv-paste-load").click();
    };
    // Checked in the browser: the parser's line numbers.
    await paste("x1,x2,label\n0,0,1\n1,x,0");
    await waitForText(page, "csv-error", 'The pasted CSV was not loaded: 1 problem.line 3: column x2: "x" is not a finite number');
    // Refused by the server (a sigmoid output's targets lie in [0, 1]): said by line and column, not points[1].y[0].
    await paste("x1,x2,label\n0,0,1\n1,1,2");
    await waitForText(page, "data-message", "line 3, column label: must be in [0, 1] for a sigmoid output, got 2");
    await paste("x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.5,0.5,1");
    await waitForText(page, "data-message", "Loaded the pasted points. Everyone now trains on 5 points from step 0.");
    expect(await page.getByTestId("csv-paste").inputValue()).toBe("");
  }, 60_000);

  it("the projector's keys pick a view locally (1–4)", async () => {
    await projector.keyboard.press("4");
    await waitForAttr(projector, "projector-view", "data-focus", "join");
    await projector.getByTestId("join-qr").waitFor();
    await projector.keyboard.press("1");
    await waitForAttr(projector, "projector-view", "data-focus", "network");
  }, 30_000);

  it("axe-core: 0 violations on every view, light and dark", async () => {
    const found: Record<string, unknown> = {};
    const views: Promise<void>[] = [];
    for (const scheme of ["light", "dark"] as const) {
      for (const [name, options, url] of [
        ["projector", PROJECTOR, `/s/${session.joinCode}/projector`],
        ["console", CONSOLE, `/s/${session.joinCode}/present#key=${encodeURIComponent(session.instructorKey)}`],
        ["phone", PHONE, `/s/${session.joinCode}?name=Bo`],
        ["lobby", CONSOLE, "/"],
        ["replay", CONSOLE, `/replay/${session.id}`],
      ] as const) {
        views.push(
          (async () => {
            const page = await pages.open({ ...options, colorScheme: scheme });
            await page.goto(`${server.url}${url}`);
            await page.locator("main").first().waitFor();
            await page.waitForTimeout(1500); // let the page settle (live data, lazy panels, transitions)
            const violations = await runAxe(page);
            if (violations.length > 0) found[`${name}/${scheme}`] = violations;
          })(),
        );
      }
      await Promise.all(views.splice(0)); // one scheme's five views side by side
    }
    expect(found).toEqual({});
  }, 180_000);

  it("an unknown code shows only the error and the way back; an ended session offers its replay", async () => {
    const stray = await pages.open(PHONE);
    await stray.goto(`${server.url}/s/ZZZZ22?name=Ada`);
    await waitForAttr(stray, "problem", "data-kind", "not-found");
    expect(await stray.getByTestId("connection-state").count()).toBe(0);
    expect(await stray.getByRole("link", { name: "Back to the lobby" }).count()).toBe(1);
    await console_.getByTestId("end-session").click();
    await console_.getByTestId("end-session").click();
    await phone.getByTestId("replay-link").waitFor();
    expect(await phone.getByTestId("replay-link").getAttribute("href")).toMatch(/^\/replay\/[0-9a-f-]{36}$/);
  }, 60_000);
});
