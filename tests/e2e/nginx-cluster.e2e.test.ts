import { randomBytes } from "node:crypto";
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterUnavailable, SHARED_REDIS_URL } from "../server/cluster/helpers";
import { hasNginx, startNginx, type OwnNginx } from "../server/helpers/nginx";
import { createTempDatabase } from "../server/helpers/postgres";
import { parsePrometheus, valueOf } from "../server/helpers/prometheus";
import { TEST_TOKEN_SECRET } from "../server/helpers/tokens";
import { hasChromium, launchPages, type Pages } from "./helpers/browser";
import { ensureNextBuild } from "./helpers/next-build";
import { readParameterValues, waitForAttr, waitForText } from "./helpers/page-probes";
import { startServerProcess, type ServerProcess } from "./helpers/server-process";

const PHONE: BrowserContextOptions = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const PROJECTOR: BrowserContextOptions = { viewport: { width: 1920, height: 1080 } };

const skip = !hasChromium ? "Chromium is not installed" : !hasNginx ? "nginx is not installed (.ci/run installs it)" : await clusterUnavailable();
if (skip) console.warn(`e2e through nginx skipped: ${skip}`);

/** Socket.IO connections open on a node, from its own /metrics (served to loopback). */
async function socketsOn(node: ServerProcess): Promise<number> {
  const { samples } = parsePrometheus(await (await fetch(`${node.url}/metrics`)).text());
  return valueOf(samples, "backprop_sockets_connected") ?? NaN;
}

/**
 * Issue 12: a poll round and a sandbox fork in Chromium, through deploy/nginx.conf in front of two
 * nodes on Redis + PostgreSQL. The sample config routes by client address (ip_hash), and every page
 * here comes from 127.0.0.1; so two nginx run the same config with the upstreams in opposite order:
 * the same address hashes to the same position, which is node X in one and node Y in the other. The
 * instructor's page goes through the first, the students' through the second; the nodes' own socket
 * counts show where each landed. Every request of the round passes through nginx.
 */
describe.skipIf(skip !== null)("a poll round and a fork through deploy/nginx.conf, two nodes, in Chromium", { timeout: 60_000 }, () => {
  const nodes: ServerProcess[] = [];
  const fronts: OwnNginx[] = [];
  let dropDatabase: (() => Promise<void>) | undefined;
  let pages: Pages;
  let instructor: Page;
  let ada: Page;
  let bob: Page;
  /** The node the instructor's page reached, and the other one. */
  let instructorNode: ServerProcess;
  let studentNode: ServerProcess;

  beforeAll(async () => {
    await ensureNextBuild();
    const db = await createTempDatabase("bp_e2e_nginx");
    dropDatabase = db.drop;
    const env = { DATABASE_URL: db.url, REDIS_URL: SHARED_REDIS_URL, REDIS_STREAM: `bp-e2e-${randomBytes(4).toString("hex")}`, PARTICIPANT_TOKEN_SECRET: TEST_TOKEN_SECRET };
    // One after the other: the first applies the migrations to the fresh database.
    nodes.push(await startServerProcess(env));
    nodes.push(await startServerProcess(env));
    fronts.push(await startNginx(nodes.map((n) => n.url)));
    fronts.push(await startNginx(nodes.map((n) => n.url).reverse()));
    pages = await launchPages({ timeoutMs: 15_000 });
  }, 600_000);

  afterAll(async () => {
    await pages?.close();
    for (const front of fronts) await front.stop();
    for (const node of nodes) await node.stop();
    await dropDatabase?.();
  }, 60_000);

  it("the instructor starts a session through one nginx; two students join through the other and land on the other node", async () => {
    const [front1, front2] = fronts;
    instructor = await pages.open(PROJECTOR);
    await instructor.goto(`${front1.url}/`);
    await instructor.getByTestId("start-submit").click();
    await instructor.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    const joinCode = /\/s\/([A-Z2-9]{6})\/present$/.exec(instructor.url())![1];
    await waitForAttr(instructor, "connection-state", "data-connection", "live");
    const before = await Promise.all(nodes.map(socketsOn));
    expect(before.filter((n) => n > 0), `sockets per node: ${before}`).toHaveLength(1);
    const k = before.findIndex((n) => n > 0);
    [instructorNode, studentNode] = [nodes[k], nodes[1 - k]];

    ada = await pages.open(PHONE);
    bob = await pages.open(PHONE);
    for (const [page, name] of [[ada, "Ada"], [bob, "Bob"]] as const) {
      await page.goto(`${front2.url}/s/${joinCode}?name=${name}`);
      await waitForAttr(page, "connection-state", "data-connection", "live");
    }
    await waitForText(instructor, "participants-count", "3");
    // The students' sockets are on the other node; the instructor's node has none more.
    expect(await socketsOn(studentNode)).toBe(2);
    expect(await socketsOn(instructorNode)).toBe(before[k]);
    await instructor.getByTestId("step-1").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "1");
  }, 180_000);

  it("[Q1][Q2][Q3] the poll opens on every phone, both votes reach the instructor's tally on the other node, and the reveal runs one step for all", async () => {
    await instructor.getByTestId("poll-kind-param").check();
    await instructor.getByTestId("poll-param").selectOption("wo1");
    await instructor.getByTestId("poll-open").click();
    await instructor.getByTestId("poll-tally").waitFor();
    for (const page of [ada, bob]) {
      await page.getByTestId("poll-card").waitFor();
      expect(await page.getByTestId("poll-question").textContent()).toContain("wo1");
    }
    await ada.getByTestId("poll-answer-up").click();
    await bob.getByTestId("poll-answer-down").click();
    for (const page of [ada, bob]) await page.getByTestId("poll-locked").waitFor();
    await waitForText(instructor, "tally-total", "2");
    expect(await instructor.getByTestId("tally-count-up").textContent()).toBe("1");
    expect(await instructor.getByTestId("tally-count-down").textContent()).toBe("1");

    await instructor.getByTestId("poll-reveal").click();
    for (const page of [instructor, ada, bob]) await waitForText(page, "step-number", "2");
    const correct = await instructor.locator('[data-testid^="tally-"][data-correct="true"]').getAttribute("data-testid");
    const answer = correct!.replace("tally-", "");
    for (const [page, vote] of [[ada, "up"], [bob, "down"]] as const) {
      await page.getByTestId("poll-result").waitFor();
      expect(await page.getByTestId("poll-result").getAttribute("data-verdict")).toBe(vote === answer ? "right" : "wrong");
    }
    // Everyone sees the same parameters after the revealed step.
    const after = await readParameterValues(instructor);
    for (const page of [ada, bob]) {
      await page.getByTestId("panel-tab-boundary").click();
      await page.getByTestId("param-value-wo1").waitFor();
      expect(await readParameterValues(page)).toEqual(after);
    }
  });

  it("[F1][F2] a student on the other node forks the lecture through nginx and drives the fork from there; the lecture does not move", async () => {
    await ada.getByTestId("fork-button").click();
    await ada.waitForURL(/\/s\/[A-Z2-9]{6}\/present$/);
    expect(ada.url().startsWith(fronts[1].url)).toBe(true);
    await ada.getByTestId("sandbox-banner").waitFor();
    await waitForAttr(ada, "connection-state", "data-connection", "live");
    // F1: the fork's step 0 is the lecture's θ at its step (2); the fork runs on the node that runs the lecture.
    await waitForText(ada, "step-number", "0");
    await ada.getByTestId("panel-tab-boundary").click();
    await ada.getByTestId("param-value-wo1").waitFor();
    expect(await readParameterValues(ada)).toEqual(await readParameterValues(instructor));
    await ada.getByTestId("step-10").click();
    await waitForText(ada, "step-number", "10");
    for (const page of [instructor, bob]) expect(await page.getByTestId("step-number").textContent()).toBe("2");
    // The fork's page is still served and connected through the students' nginx, on their node.
    expect(await socketsOn(studentNode)).toBe(2);
  }, 60_000);
});
