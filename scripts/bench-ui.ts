/**
 * `npm run bench:ui`: what a phone downloads and how soon it paints. Builds Next if stale, starts the
 * production server, creates a session and opens the student page (`/s/CODE?name=…`) in Chromium
 * BENCH_RUNS times (5), each in a fresh context (cold cache). Reports the JavaScript the page loads,
 * gzipped (target ≤ 200 KB), and first contentful paint on loopback (median; target ≤ 1.0 s).
 */
import { gzipSync } from "node:zlib";
import { launchChromium } from "../tests/e2e/helpers/browser";
import { ensureNextBuild } from "../tests/e2e/helpers/next-build";
import { startServerProcess } from "../tests/e2e/helpers/server-process";
import { machine, writeResult } from "./load/stats";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JS_TARGET_KB = 200;
const FCP_TARGET_MS = 1000;

ensureNextBuild();
const server = await startServerProcess();
const browser = await launchChromium();
try {
  const created = await (await fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "bench" }) })).json();
  const url = `${server.url}/s/${created.joinCode}?name=Bench`;
  const fcps: number[] = [];
  const scripts = new Map<string, number>();
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const bodies: Promise<void>[] = [];
    page.on("response", (res) => {
      if (res.request().resourceType() !== "script") return;
      bodies.push(res.body().then((b) => void scripts.set(res.url(), gzipSync(b, { level: 9 }).length)).catch(() => undefined));
    });
    await page.goto(url, { waitUntil: "load" });
    await page.getByTestId("step-number").waitFor();
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
    await Promise.all(bodies);
    fcps.push(fcp);
    await context.close();
  }
  fcps.sort((a, b) => a - b);
  const jsGzipKb = [...scripts.values()].reduce((a, b) => a + b, 0) / 1024;
  const fcpMedianMs = fcps[Math.floor(fcps.length / 2)];
  const result = { machine: machine(), runs: RUNS, scripts: scripts.size, jsGzipKb: Number(jsGzipKb.toFixed(1)), fcpMs: fcps.map((f) => Math.round(f)), fcpMedianMs: Math.round(fcpMedianMs), targets: { jsGzipKb: JS_TARGET_KB, fcpMs: FCP_TARGET_MS } };
  console.log(`ui: student page JS ${result.jsGzipKb} KB gzipped in ${scripts.size} scripts (target ≤ ${JS_TARGET_KB} KB): ${result.jsGzipKb <= JS_TARGET_KB ? "ok" : "OVER"}`);
  console.log(`ui: first contentful paint median ${result.fcpMedianMs} ms over ${RUNS} cold loads [${result.fcpMs.join(", ")}] (target ≤ ${FCP_TARGET_MS} ms): ${result.fcpMedianMs <= FCP_TARGET_MS ? "ok" : "OVER"}`);
  console.log(`ui: written to ${writeResult("ui", result)}`);
} finally {
  await browser.close();
  await server.stop();
}
