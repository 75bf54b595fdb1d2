import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configLimit } from "@/app/_components/field-limits";
import { runAxe } from "./helpers/axe";
import { hasChromium, launchPages, type Pages } from "./helpers/browser";
import { ensureNextBuild, ROOT } from "./helpers/next-build";
import { measureOverflow, waitForAttr, waitForText } from "./helpers/page-probes";
import { startServerProcess, type ServerProcess } from "./helpers/server-process";

const SCREENS = path.join(ROOT, "tests/e2e/screenshots/playground");
const CONSOLE: BrowserContextOptions = { viewport: { width: 1366, height: 768 } };
const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
/** Steps each run is trained for before the next edit (the replay is checked at this step). */
const STEPS = "10";

/** Every value of the parameter table, by parameter name (hidden tabs included: textContent). */
function readTable(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll('[data-testid^="param-value-"]')].map((e) => [e.getAttribute("data-testid")!.slice("param-value-".length), e.textContent ?? ""])));
}

/** Neurons the diagram draws. */
function neuronCount(page: Page): Promise<number> {
  return page.locator('[data-testid="network-diagram"] g[data-testid^="neuron-"]').count();
}

/** Waits until the page's parameter table has `count` rows (a new network shape arrived). */
async function waitForParams(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid^="param-value-"]').length === n, count, { timeout: 20_000 });
}

/** Waits until the phone's diagram has `count` neurons (its parameter table sits behind a tab). */
async function waitForNeurons(page: Page, count: number): Promise<void> {
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="network-diagram"] g[data-testid^="neuron-"]').length === n, count, { timeout: 20_000 });
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const violations = await runAxe(page);
  expect(violations, `${where}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

/**
 * Issue 15 in Chromium: the start form's new fields, a setup link, and an instructor who, during a
 * session, switches XOR to a 3-class spiral with x1², x2² features, adds a neuron and sets a weight by
 * clicking it; every student's view follows, and the replay shows each run's steps as broadcast.
 */
describe.skipIf(!hasChromium)("the playground in Chromium", () => {
  let server: ServerProcess;
  let pages: Pages;
  let console_: Page;
  let laptop: Page;
  let phone: Page;
  let joinCode = "";
  /** The laptop student's parameter table at step 10 of each run (the frames as broadcast). */
  const seen: Record<string, string>[] = [];

  /** Steps the run to STEPS on the console and records what the laptop student sees there. */
  async function trainAndRecord(): Promise<void> {
    await console_.getByTestId("step-10").click();
    await waitForText(laptop, "step-number", STEPS, 20_000);
    await waitForText(console_, "step-number", STEPS, 20_000);
    const student = await readTable(laptop);
    expect(student).toEqual(await readTable(console_));
    seen.push(student);
  }

  beforeAll(async () => {
    await ensureNextBuild();
    await mkdir(SCREENS, { recursive: true });
    server = await startServerProcess();
    pages = await launchPages({ timeoutMs: 20_000 });
  }, 900_000);

  afterAll(async () => {
    await pages?.close();
    await server?.stop();
  }, 30_000);

  it("the start form shows the server's limits, refuses a bad setup link by naming the field, and opens a good one prefilled", async () => {
    console_ = await pages.open(CONSOLE);
    const bad = encodeURIComponent(JSON.stringify({ title: "Too noisy", dataset: { name: "xor", noise: 0.9 } }));
    await console_.goto(`${server.url}/#setup=${bad}`);
    await waitForText(console_, "setup-link-note", "This setup link could not be used (Noise must be at most 0.5); the form shows the defaults.");
    expect(await console_.getByTestId("field-title").inputValue()).toBe("Backprop on XOR");
    expect(await console_.getByTestId("limit-dataset.noise").textContent()).toBe(configLimit("dataset.noise"));
    expect(await console_.getByTestId("limit-learningRate").textContent()).toBe(configLimit("learningRate"));

    const good = encodeURIComponent(JSON.stringify({ title: "Spiral ×3", layers: [4, 5, 3], features: ["x1", "x2", "x1^2", "x2^2"], activation: { output: "softmax" }, loss: "ce", dataset: { name: "spiral", classes: 3 }, lrSchedule: { kind: "step", every: 50, factor: 0.5 }, stop: { kind: "epochs", count: 30 } }));
    await console_.goto(`${server.url}/#setup=${good}`);
    await waitForText(console_, "setup-link-note", "Opened from a setup link: check the fields, then start.");
    expect(await console_.getByTestId("field-title").inputValue()).toBe("Spiral ×3");
    expect(await console_.getByTestId("field-task").inputValue()).toBe("multiclass");
    expect(await console_.getByTestId("field-classes").inputValue()).toBe("3");
    expect(await console_.getByTestId("feature-x1^2").isChecked()).toBe(true);
    expect(await console_.getByTestId("field-lrKind").inputValue()).toBe("step");
    expect(await console_.getByTestId("field-stopValue").inputValue()).toBe("30");
    await console_.screenshot({ path: path.join(SCREENS, "start-form-link-1366.png") });
    // A feature ticked off: the input layer follows; a field out of range is named as labelled.
    await console_.getByTestId("feature-x2^2").uncheck();
    expect(await console_.getByTestId("field-layers").inputValue()).toBe("3, 5, 3");
    await console_.getByTestId("field-lrFactor").fill("2");
    await console_.getByTestId("start-submit").click();
    await waitForText(console_, "error-lrSchedule.factor", "Decay factor must be at most 1");
    const submit = (await console_.getByTestId("start-submit").boundingBox())!;
    expect(submit.y + submit.height, "start button inside the first 768 px").toBeLessThanOrEqual(768);
    // The field with the message has the focus, in view above the sticky Start bar.
    await console_.waitForFunction(() => document.activeElement?.getAttribute("data-testid") === "field-lrFactor");
    const factor = (await console_.getByTestId("field-lrFactor").boundingBox())!;
    expect(factor.y).toBeGreaterThanOrEqual(0);
    expect(factor.y + factor.height).toBeLessThanOrEqual(submit.y);
    await console_.screenshot({ path: path.join(SCREENS, "start-form-1366.png") });
    await expectNoAxeViolations(console_, "start form");
  }, 120_000);

  it("the instructor starts XOR from the form; two students join", async () => {
    await console_.goto(`${server.url}/`);
    await console_.getByTestId("field-learningRate").fill("0.5");
    await console_.getByTestId("start-submit").click();
    await console_.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    joinCode = /\/s\/([A-Z2-9]{6})\/present$/.exec(console_.url())![1];
    await waitForAttr(console_, "connection-state", "data-connection", "live");
    laptop = await pages.open(LAPTOP);
    phone = await pages.open(PHONE);
    for (const [page, name] of [[laptop, "Ada"], [phone, "Grace"]] as const) {
      await page.goto(`${server.url}/s/${joinCode}?name=${name}`);
      await waitForAttr(page, "connection-state", "data-connection", "live");
    }
    await waitForParams(laptop, 9);
    await trainAndRecord();
  }, 120_000);

  it("XOR → a 3-class spiral, then x1², x2² features, then a neuron: every student's view follows each edit", async () => {
    await console_.getByTestId("tool-network-edit").locator("summary").click();
    await console_.getByTestId("edit-dataset").selectOption("spiral");
    await console_.getByTestId("edit-classes").selectOption("3");
    expect(await console_.getByTestId("edit-data-output").textContent()).toBe("Output layer: 3 × softmax, loss ce");
    await console_.getByTestId("edit-data").click();
    for (const page of [console_, laptop]) await waitForParams(page, 15);
    await waitForNeurons(phone, 7); // 2-2-3
    expect(await neuronCount(phone)).toBe(7);
    await trainAndRecord();

    await console_.getByTestId("edit-feature-x1^2").check();
    await console_.getByTestId("edit-feature-x2^2").check();
    await console_.getByTestId("edit-features").click();
    for (const page of [console_, laptop]) await waitForParams(page, 19);
    await waitForNeurons(phone, 9); // 4-2-3
    expect(await phone.getByTestId("neuron-x1²").count()).toBe(1);
    expect(await phone.getByTestId("neuron-x2²").count()).toBe(1);
    await trainAndRecord();

    await console_.getByTestId("edit-add-neuron-1").click();
    for (const page of [console_, laptop]) await waitForParams(page, 27);
    await waitForNeurons(phone, 10); // 4-3-3
    expect(await neuronCount(phone)).toBe(10);
    expect(await neuronCount(laptop)).toBe(10);
    await console_.screenshot({ path: path.join(SCREENS, "console-edits-1366.png") });
    await expectNoAxeViolations(console_, "console with the edit tools open");
    await trainAndRecord();
  }, 180_000);

  it("a click on a weight opens its editor; the typed value reaches every student; Enter opens it from the keyboard", async () => {
    const weight = console_.locator('[data-testid="network-diagram"] [data-testid="diagram-param-w1[1,1]"]');
    await weight.click();
    await console_.getByTestId("param-editor").waitFor();
    await expectNoAxeViolations(console_, "console with the weight editor open");
    await console_.getByTestId("param-editor-value").fill("1001");
    await console_.getByTestId("param-editor-apply").click();
    await waitForText(console_, "param-editor-error", "Value must be at most 1000");
    await console_.getByTestId("param-editor-value").fill("−2");
    await console_.getByTestId("param-editor-apply").click();
    await console_.getByTestId("param-editor").waitFor({ state: "detached" });
    for (const page of [console_, laptop, phone]) {
      await waitForText(page, "step-number", "0");
      // The phone's parameter table sits behind a tab: its diagram says the value.
      if (page === phone) await page.waitForFunction(() => /^w1\[1,1\] = −2\b/.test(document.querySelector('[data-testid="network-diagram"] [data-testid="diagram-param-w1[1,1]"]')?.getAttribute("aria-label") ?? ""));
      else await page.waitForFunction(() => document.querySelector('[data-testid="param-value-w1[1,1]"]')?.textContent?.startsWith("−2"));
    }
    await phone.screenshot({ path: path.join(SCREENS, "phone-after-edits.png") });
    expect((await measureOverflow(phone)).scrollWidth).toBeLessThanOrEqual(390);
    await expectNoAxeViolations(phone, "student phone after the edits");
    await trainAndRecord();

    // Keyboard: focus a bias, Enter opens its editor, Escape closes it and gives the focus back.
    const bias = console_.locator('[data-testid="network-diagram"] [data-testid="diagram-param-b1[2]"]');
    await bias.focus();
    await console_.keyboard.press("Enter");
    await console_.getByTestId("param-editor").waitFor();
    expect(await console_.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("param-editor-value");
    await console_.keyboard.press("Escape");
    await console_.getByTestId("param-editor").waitFor({ state: "detached" });
    expect(await console_.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("diagram-param-b1[2]");
    await console_.screenshot({ path: path.join(SCREENS, "console-after-weight-1366.png") });
  }, 120_000);

  it("the console copies a setup link that opens the start form with the edited network", async () => {
    await console_.getByTestId("copy-setup-link").click();
    const link = await console_.getByTestId("setup-link-value").inputValue();
    const lobby = await pages.open(CONSOLE);
    await lobby.goto(link);
    await waitForText(lobby, "setup-link-note", "Opened from a setup link: check the fields, then start.");
    expect(await lobby.getByTestId("field-layers").inputValue()).toBe("4, 3, 3");
    expect(await lobby.getByTestId("field-classes").inputValue()).toBe("3");
    expect(JSON.parse(await lobby.getByTestId("field-params").inputValue()).weights[0][0][0]).toBe(-2);
  }, 60_000);

  it("the replay of the session shows each run's step as the students saw it", async () => {
    const id = await console_.evaluate((code) => (JSON.parse(localStorage.getItem("backprop:sessions") ?? "[]") as { joinCode: string; id: string }[]).find((s) => s.joinCode === code)!.id, joinCode);
    const replay = await pages.open(LAPTOP);
    expect(seen).toHaveLength(5); // XOR, spiral ×3, features, + neuron, w1[1,1] = −2
    for (const [run, table] of seen.entries()) {
      await replay.goto(`${server.url}/replay/${id}?run=${run}&step=${STEPS}`);
      await replay.waitForFunction((s) => (document.querySelector('[data-testid="step-number"]') as HTMLInputElement | null)?.value === s, STEPS);
      await waitForParams(replay, Object.keys(table).length);
      await replay.waitForFunction((t) => Object.entries(t).every(([name, v]) => document.querySelector(`[data-testid="param-value-${CSS.escape(name)}"]`)?.textContent === v), table, { timeout: 20_000 }).catch(() => undefined);
      expect(await readTable(replay), `run ${run}`).toEqual(table);
      expect(await replay.getByTestId("replay-mismatch").count()).toBe(0);
    }
  }, 180_000);

  it("Play with a stop condition pauses by itself there, for everyone (S1)", async () => {
    await console_.getByTestId("stop-kind").selectOption("steps");
    await console_.getByTestId("stop-value").fill("0");
    await console_.getByTestId("play-pause").click();
    await waitForText(console_, "stop-error", "Pause at must be at least 1");
    await console_.getByTestId("stop-value").fill("14");
    await console_.getByTestId("play-pause").click();
    for (const page of [console_, laptop, phone]) {
      await waitForText(page, "step-number", "14", 30_000);
      await waitForAttr(page, "session-state", "data-state", "paused", 30_000);
    }
  }, 90_000);
});
