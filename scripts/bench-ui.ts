/**
 * `npm run bench:ui`: what each view downloads and how soon it paints. Builds Next if stale, starts the
 * production server, creates a session and opens every route in Chromium BENCH_RUNS times (5), each in
 * a fresh context (cold cache): the student page (`/s/CODE?name=…`, 390×844 phone), the projector
 * (1920×1080), the instructor console (1366×768), a replay and the lobby. Reports the JavaScript each
 * page loads until its first live content shows, gzipped, and first contentful paint on loopback
 * (median). Targets (issue 14) apply to the student page: JS ≤ 200 KB gzipped, FCP ≤ 1.0 s.
 */
import type { BrowserContextOptions } from "playwright-core";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../tests/e2e/helpers/browser";
import { ensureNextBuild } from "../tests/e2e/helpers/next-build";
import { startServerProcess } from "../tests/e2e/helpers/server-process";
import { machine, writeResult } from "./load/stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JS_TARGET_KB = 200;
const FCP_TARGET_MS = 1000;
/** After the page is live: what it then fetches on its own (link prefetches, lazy first-screen panels) counts too. */
const SETTLE_MS = 1500;
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

interface Route {
  name: string;
  path: string;
  options: BrowserContextOptions;
  /** Test id of the element that shows the page is live (the JS counted is what loaded until then). */
  ready: string;
  targets: boolean;
}

interface RouteResult {
  route: string;
  path: string;
  scripts: number;
  jsGzipKb: number;
  fcpMs: number[];
  fcpMedianMs: number;
}

ensureNextBuild();
const server = await startServerProcess();
const browser = await launchChromium();
try {
  const created = await (await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "bench" }) })).json();
  const routes: Route[] = [
    { name: "student", path: `/s/${created.joinCode}?name=Bench`, options: PHONE, ready: "step-number", targets: true },
    { name: "projector", path: `/s/${created.joinCode}/projector`, options: { viewport: { width: 1920, height: 1080 } }, ready: "projector-step", targets: false },
    { name: "console", path: `/s/${created.joinCode}/present#key=${encodeURIComponent(created.instructorKey)}`, options: { viewport: { width: 1366, height: 768 } }, ready: "step-number", targets: false },
    { name: "replay", path: `/replay/${created.id}`, options: { viewport: { width: 1366, height: 768 } }, ready: "replay-view", targets: false },
    { name: "lobby", path: "/", options: { viewport: { width: 1366, height: 768 } }, ready: "start-form", targets: false },
  ];
  const results: RouteResult[] = [];
  for (const route of routes) {
    const fcps: number[] = [];
    const scripts = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      const context = await browser.newContext(route.options);
      const page = await context.newPage();
      const bodies: Promise<void>[] = [];
      page.on("response", (res) => {
        if (res.request().resourceType() !== "script") return;
        bodies.push(res.body().then((b) => void scripts.set(res.url(), gzipSync(b, { level: 9 }).length)).catch(() => undefined));
      });
      await page.goto(`${server.url}${route.path}`, { waitUntil: "load" });
      await page.getByTestId(route.ready).first().waitFor();
      await page.waitForTimeout(SETTLE_MS);
      fcps.push(await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN));
      await Promise.all(bodies);
      await context.close();
    }
    fcps.sort((a, b) => a - b);
    const jsGzipKb = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
    const result = { route: route.name, path: route.path.replace(created.joinCode, "CODE").replace(created.id, "ID").replace(/#key=.*/, "#key=…"), scripts: scripts.size, jsGzipKb: Number(jsGzipKb.toFixed(1)), fcpMs: fcps.map(Math.round), fcpMedianMs: Math.round(fcps[Math.floor(fcps.length / 2)]) };
    results.push(result);
    const verdict = (ok: boolean) => (route.targets ? (ok ? ": ok" : ": OVER") : "");
    console.log(`ui: ${route.name.padEnd(9)} JS ${result.jsGzipKb} KB gzipped in ${result.scripts} scripts${route.targets ? ` (target ≤ ${JS_TARGET_KB} KB)` : ""}${verdict(result.jsGzipKb <= JS_TARGET_KB)}`);
    console.log(`ui: ${route.name.padEnd(9)} first contentful paint median ${result.fcpMedianMs} ms over ${RUNS} cold loads [${result.fcpMs.join(", ")}]${route.targets ? ` (target ≤ ${FCP_TARGET_MS} ms)` : ""}${verdict(result.fcpMedianMs <= FCP_TARGET_MS)}`);
  }
  const student = results[0];
  const out = { machine: machine(), runs: RUNS, jsGzipKb: student.jsGzipKb, fcpMedianMs: student.fcpMedianMs, routes: results, targets: { jsGzipKb: JS_TARGET_KB, fcpMs: FCP_TARGET_MS } };
  console.log(`ui: written to ${writeResult("ui", out)}`);
} finally {
  await browser.close();
  await server.stop();
}
