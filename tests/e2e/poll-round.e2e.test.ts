import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POLL_STAY_TOLERANCE } from "@/lib/protocol";
import { hasChromium, launchPages, type Pages } from "./helpers/browser";
import { ensureNextBuild, ROOT } from "./helpers/next-build";
import { measureOverflow, readParameterValues, waitForAttr, waitForText } from "./helpers/page-probes";
import { startServerProcess, type ServerProcess } from "./helpers/server-process";

const SCREENSHOTS = path.join(ROOT, "tests/e2e/screenshots");
const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const PROJECTOR: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };

/**
 * A predict-then-reveal round in real browsers: the instructor (projector-sized) opens a poll on wo1,
 * two students (phones) vote on their own devices, the instructor sees the tally, reveals, the step
 * runs once for everyone, and each student is told whether they were right.
 */
describe.skipIf(!hasChromium)("a poll round in Chromium", () => {
  let server: ServerProcess;
  let pages: Pages;
  let instructor: Page;
  let ada: Page;
  let bob: Page;
  let joinCode = "";

  async function joinAs(page: Page, name: string): Promise<void> {
    await page.goto(`${server.url}/s/${joinCode}?name=${encodeURIComponent(name)}`);
    await waitForAttr(page, "connection-state", "data-connection", "live");
    // On a phone the parameter table is one tap away, under "Boundary".
    await page.getByTestId("panel-tab-boundary").click();
    await page.getByTestId("param-value-wo1").waitFor();
  }

  beforeAll(async () => {
    await ensureNextBuild();
    await mkdir(SCREENSHOTS, { recursive: true });
    server = await startServerProcess();
    pages = await launchPages({ timeoutMs: 15_000 });
  }, 600_000);

  afterAll(async () => {
    await pages?.close();
    await server?.stop();
  }, 30_000);

  it("the instructor starts a session and two students join on phones", async () => {
    instructor = await pages.open(PROJECTOR);
    await instructor.goto(`${server.url}/`);
    await instructor.getByTestId("start-submit").click();
    await instructor.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    joinCode = /\/s\/([A-Z2-9]{6})\/present$/.exec(instructor.url())![1];
    await waitForAttr(instructor, "connection-state", "data-connection", "live");
    ada = await pages.open(PHONE);
    await joinAs(ada, "Ada");
    bob = await pages.open(PHONE);
    await joinAs(bob, "Bob");
    await waitForText(instructor, "participants-count", "3");
    // Two steps first, so the poll asks about a step in the middle of training.
    await instructor.getByTestId("step-1").click();
    await waitForText(instructor, "step-number", "1");
    await instructor.getByTestId("step-1").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "2");
    // Three cold page loads on a busy two-core machine: more than the default 30 s is allowed (not a timing assertion).
  }, 120_000);

  it("[Q1] the instructor opens a poll on wo1 and every student gets the question with big answer buttons", async () => {
    await instructor.getByTestId("poll-kind-param").check();
    await instructor.getByTestId("poll-param").selectOption("wo1");
    await instructor.getByTestId("poll-open").click();
    await instructor.getByTestId("poll-tally").waitFor();
    // Q6: the run waits for the reveal.
    expect(await instructor.getByTestId("step-1").isDisabled()).toBe(true);
    for (const page of [ada, bob]) {
      await page.getByTestId("poll-card").waitFor();
      expect(await page.getByTestId("poll-question").textContent()).toContain("wo1");
      for (const answer of ["up", "down", "stay"]) {
        const box = (await page.getByTestId(`poll-answer-${answer}`).boundingBox())!;
        // Tap targets: at least 44 CSS pixels high (WCAG 2.5.5), and the card fits the phone.
        expect(box.height).toBeGreaterThanOrEqual(44);
      }
      const fit = await measureOverflow(page);
      expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    }
    await ada.screenshot({ path: path.join(SCREENSHOTS, "poll-phone-question.png") });
  });

  it("[Q2] each student votes once; the instructor's tally counts both; the answer is locked", async () => {
    await ada.getByTestId("poll-answer-up").click();
    await bob.getByTestId("poll-answer-stay").click();
    for (const page of [ada, bob]) await page.getByTestId("poll-locked").waitFor();
    await waitForText(instructor, "tally-total", "2");
    expect(await instructor.getByTestId("tally-count-up").textContent()).toBe("1");
    expect(await instructor.getByTestId("tally-count-down").textContent()).toBe("0");
    expect(await instructor.getByTestId("tally-count-stay").textContent()).toBe("1");
    // A locked card offers no second vote.
    expect(await ada.getByTestId("poll-answer-down").isDisabled()).toBe(true);
    // The tally stays hidden from the students until the reveal.
    expect(await ada.getByTestId("poll-tally").count()).toBe(0);
    await instructor.evaluate(() => window.scrollTo(0, 0));
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "poll-projector-tally.png") });
    await ada.screenshot({ path: path.join(SCREENSHOTS, "poll-phone-locked.png") });
  });

  it("[Q3] reveal runs exactly one step for everyone and each student sees whether they were right", async () => {
    const before = await readParameterValues(instructor);
    await instructor.getByTestId("poll-reveal").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "3");
    const after = await readParameterValues(instructor);
    const correct = await instructor.locator('[data-testid^="tally-"][data-correct="true"]').getAttribute("data-testid");
    expect(correct).toMatch(/^tally-(up|down|stay)$/);
    const answer = correct!.replace("tally-", "");
    // The right answer is what wo1 actually did (the table prints it with 4 decimals).
    const moved = Number(after.wo1.replace("−", "-")) - Number(before.wo1.replace("−", "-"));
    if (answer === "up") expect(moved).toBeGreaterThan(0);
    if (answer === "down") expect(moved).toBeLessThan(0);
    // Q7: "stay" means |Δ| ≤ POLL_STAY_TOLERANCE · max(1, |before|); the 4-decimal table adds up to 1e-4 of rounding.
    if (answer === "stay") expect(Math.abs(moved)).toBeLessThanOrEqual(POLL_STAY_TOLERANCE * Math.max(1, Math.abs(Number(before.wo1.replace("−", "-")))) + 1e-4);
    // Ada said up, Bob said it stays: whichever way wo1 went, the two verdicts are checked against it.
    for (const [page, vote] of [[ada, "up"], [bob, "stay"]] as const) {
      await page.getByTestId("poll-result").waitFor();
      expect(await page.getByTestId("poll-result").getAttribute("data-verdict")).toBe(vote === answer ? "right" : "wrong");
      expect(await page.getByTestId("poll-result").textContent()).toContain("wo1");
      // The student looks at the table (under "Boundary") to check wo1 for themselves.
      await page.getByTestId("panel-tab-boundary").click();
      await page.getByTestId("param-value-wo1").waitFor();
      expect(await readParameterValues(page)).toEqual(after);
    }
    await ada.screenshot({ path: path.join(SCREENSHOTS, "poll-phone-result-ada.png") });
    await bob.screenshot({ path: path.join(SCREENSHOTS, "poll-phone-result-bob.png") });
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "poll-projector-revealed.png"), fullPage: true });
  });

  it("[Q6] a cancelled poll runs no step and leaves the students' cards", async () => {
    await instructor.getByTestId("poll-kind-loss").check();
    await instructor.getByTestId("poll-open").click();
    await ada.getByTestId("poll-card").waitFor();
    expect(await ada.getByTestId("poll-answer-stay").count()).toBe(0);
    await instructor.getByTestId("poll-cancel").click();
    for (const page of [ada, bob]) await page.getByTestId("poll-card").waitFor({ state: "detached" });
    for (const page of [instructor, ada, bob]) expect(await page.getByTestId("step-number").textContent()).toBe("3");
  });

  it("[Q11][Q12][Q13] discuss and vote again: the phones vote a second time, the reveal shows both rounds and the moves", async () => {
    await instructor.getByTestId("poll-kind-param").check();
    await instructor.getByTestId("poll-param").selectOption("wo1");
    await instructor.getByTestId("poll-open").click();
    await ada.getByTestId("poll-answer-up").click();
    await bob.getByTestId("poll-answer-down").click();
    await waitForText(instructor, "tally-total", "2");
    await instructor.getByTestId("poll-again").click();
    await instructor.getByTestId("poll-panel-round").waitFor();
    for (const page of [ada, bob]) {
      await page.locator('[data-testid="poll-round"]', { hasText: "Round 2" }).waitFor();
      // The vote is open again, and the student is reminded of their first answer.
      expect(await page.getByTestId("poll-answer-stay").isDisabled()).toBe(false);
    }
    expect(await ada.getByTestId("poll-round").textContent()).toContain("you said up");
    await ada.getByTestId("poll-answer-down").click();
    await bob.getByTestId("poll-answer-down").click();
    for (const page of [ada, bob]) await page.getByTestId("poll-locked").waitFor();
    // The instructor sees round 1 against round 2 and the moves; the phones see no numbers yet.
    await waitForAttr(instructor, "round-down", "data-second", "2");
    expect(await instructor.getByTestId("round-down").getAttribute("data-first")).toBe("1");
    expect(await instructor.getByTestId("poll-switched").textContent()).toBe("1 of 2 who voted twice changed their answer.");
    expect(await ada.getByTestId("poll-rounds").count()).toBe(0);
    await instructor.evaluate(() => window.scrollTo(0, 0));
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "poll-projector-round-2.png") });
    await instructor.getByTestId("poll-reveal").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "4");
    for (const page of [ada, bob]) {
      await page.getByTestId("poll-result").waitFor();
      await waitForAttr(page, "round-up", "data-first", "1");
      expect(await page.getByTestId("round-down").getAttribute("data-second")).toBe("2");
    }
    await ada.screenshot({ path: path.join(SCREENSHOTS, "poll-phone-round-2-result.png"), fullPage: true });
  });

  it("[H1][H2][H3][H4] the instructor hands the controls to a student, the room sees it, and takes them back", async () => {
    await instructor.getByRole("button", { name: "Hand controls to Ada" }).click();
    await ada.getByTestId("you-are-driving").waitFor();
    await bob.getByTestId("driver-status").waitFor();
    expect(await bob.getByTestId("driver-status").textContent()).toContain("Ada");
    await instructor.getByTestId("roster-driver").waitFor();
    // The driver's controls move the run for everyone.
    await ada.getByTestId("driver-step").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "5");
    await ada.screenshot({ path: path.join(SCREENSHOTS, "phone-driving.png") });
    await instructor.getByTestId("take-back").click();
    await ada.getByTestId("you-are-driving").waitFor({ state: "detached" });
    await bob.getByTestId("driver-status").waitFor({ state: "detached" });
  });

  it("a misconception demo reaches the room with its explanation; the gradient check exposes the sign slip", async () => {
    await instructor.getByTestId("preset-play-sign-slip").click();
    for (const page of [instructor, ada, bob]) {
      await waitForAttr(page, "preset-note", "data-preset", "sign-slip");
      await waitForText(page, "step-number", "0");
    }
    await instructor.getByTestId("step-1").click();
    await waitForText(ada, "step-number", "1");
    // The parameter is picked in the table (under "Boundary"); the gradient check sits under "Equations".
    await ada.getByTestId("panel-tab-boundary").click();
    await ada.getByTestId("param-select-wo1").click();
    await ada.getByTestId("panel-tab-equations").click();
    await ada.getByTestId("gradient-check").waitFor();
    await waitForAttr(ada, "gradient-check", "data-verdict", "opposite");
    await ada.screenshot({ path: path.join(SCREENSHOTS, "phone-preset-gradient-check.png"), fullPage: true });
    await instructor.getByTestId("preset-play-saturated-sigmoid").click();
    await waitForAttr(instructor, "preset-note", "data-preset", "saturated-sigmoid");
    await instructor.getByTestId("step-10").click();
    await waitForText(instructor, "step-number", "10");
    await instructor.getByTestId("layer-norms").waitFor();
    await instructor.evaluate(() => window.scrollTo(0, 0));
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "projector-preset-saturated.png") });
  });

  it("[F1][F2] a student forks a sandbox, steps it alone, and goes back to the lecture in one click", async () => {
    await ada.getByTestId("fork-button").click();
    await ada.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    await ada.getByTestId("sandbox-banner").waitFor();
    await waitForAttr(ada, "connection-state", "data-connection", "live");
    await ada.getByTestId("step-10").click();
    await waitForText(ada, "step-number", "10");
    // The lecture did not move.
    expect(await instructor.getByTestId("step-number").textContent()).toBe("10");
    // Compare-runs sits with the curve, one tap away on a phone.
    await ada.getByTestId("panel-tab-curve").click();
    await ada.getByTestId("compare-runs").waitFor();
    await ada.screenshot({ path: path.join(SCREENSHOTS, "phone-sandbox.png"), fullPage: true });
    const fit = await measureOverflow(ada);
    expect(fit.scrollWidth).toBeLessThanOrEqual(fit.innerWidth);
    await ada.getByTestId("back-to-lecture").click();
    await ada.waitForURL(`${server.url}/s/${joinCode}`);
    await waitForText(ada, "step-number", "10");
  }, 60_000);

  it("[D1] the instructor clicks a point onto the plane and every student's data changes at once", async () => {
    await instructor.getByTestId("tool-data").locator("summary").click();
    await instructor.getByTestId("edit-mode-add-1").check();
    const canvas = instructor.getByTestId("plane-canvas");
    const box = (await canvas.boundingBox())!;
    await canvas.click({ position: { x: box.width * 0.5, y: box.height * 0.5 } });
    await instructor.getByTestId("data-message").waitFor();
    // XOR's four points and the new one.
    expect(await instructor.getByTestId("data-message").textContent()).toContain("Everyone now trains on 5 points");
    // On the phones the plane is under "Boundary".
    for (const page of [ada, bob]) await page.getByTestId("panel-tab-boundary").click();
    for (const page of [ada, bob]) await page.getByTestId("decision-boundary").waitFor();
    for (const page of [instructor, ada, bob]) await waitForAttr(page, "decision-boundary", "data-points", "5");
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "0");
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "projector-data-editor.png"), fullPage: true });
  });

  it("the instructor saves the lecture as a template and starts next year's lecture from the lobby", async () => {
    await instructor.getByTestId("tool-template").locator("summary").click();
    await instructor.getByTestId("template-name").fill("XOR lecture 2027");
    await instructor.getByTestId("template-save").getByText("A dead ReLU never comes back").click();
    await instructor.getByTestId("template-save").getByText("The seed's sign slip: gradient ascent").click();
    await instructor.getByTestId("template-submit").click();
    await instructor.getByTestId("template-save").getByText("Saved “XOR lecture 2027”").waitFor();
    await instructor.goto(`${server.url}/`);
    const row = instructor.getByTestId("template-row").filter({ hasText: "XOR lecture 2027" });
    await row.waitFor();
    await instructor.screenshot({ path: path.join(SCREENSHOTS, "lobby-templates.png"), fullPage: true });
    await row.getByTestId("template-start").click();
    await instructor.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    await waitForAttr(instructor, "connection-state", "data-connection", "live");
    // The template's demos come first, in the order they were ticked.
    await instructor.getByTestId("preset-menu").getByText("Your template's demos come first.").waitFor();
    const firstTwo = await instructor.locator('[data-testid^="preset-"][data-active]').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute("data-testid")));
    expect(firstTwo).toEqual(["preset-dead-relu", "preset-sign-slip"]);
  });
});
