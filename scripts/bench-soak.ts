/**
 * `npm run bench:soak`: N students (200) on one session playing at R steps/s (20) for a long time
 * (600 s), with churn: 10% of the students disconnect and come back with a fresh socket and join
 * (a fresh snapshot) every minute, spread over the minute. Checks that RSS ends within 10% of its warm
 * baseline and that no connected student misses a step: gaps are counted within each connection, from
 * its join snapshot to its last frame (or to the last step released, for those still connected).
 * Options (env): BENCH_N (200), BENCH_RATE (20), BENCH_SECONDS (600), BENCH_CHURN_PER_MINUTE (0.1),
 * BENCH_WORKERS (2..4).
 */
import os from "node:os";
import { installCleanup, sampleProcess } from "./load/processes";
import { StudentPool } from "./load/students";
import { machine, round, sleep, summarise, warnIfBusy, writeResult } from "./load/stats";
import { startProduct } from "./load/targets";

const N = Number(process.env.BENCH_N ?? 200);
const RATE = Number(process.env.BENCH_RATE ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 600);
const CHURN_PER_MINUTE = Number(process.env.BENCH_CHURN_PER_MINUTE ?? 0.1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? Math.min(4, Math.max(2, os.cpus().length)));
/** Churn happens in small rounds this far apart, rather than all at once each minute. */
const CHURN_ROUND_MS = 6_000;
/** A churned student is away this long before reconnecting. */
const AWAY_MS = 1_000;
const RSS_SAMPLE_MS = 5_000;
/** The warm baseline is taken once this much of the run has passed (JIT, pools and caches settled). */
const WARM_FRACTION = 0.25;
const RSS_GROWTH_TARGET = 0.1;

installCleanup((SECONDS + 300) * 1000);
const loadAtStart = warnIfBusy();
const product = await startProduct();
const pool = StudentPool.start(WORKERS);
let result;
try {
  pool.window(1, Number.MAX_SAFE_INTEGER);
  const connected = await pool.connect({ url: product.server.url, count: N, joinCode: product.joinCode, name: "student" });
  await product.play(RATE);
  console.log(`soak: ${N} students × ${RATE} steps/s for ${SECONDS} s, churn ${CHURN_PER_MINUTE * 100}% a minute …`);
  const pid = product.server.child.pid!;
  const started = performance.now();
  const rss: { t: number; mb: number }[] = [];
  const sampler = setInterval(() => rss.push({ t: round((performance.now() - started) / 1000), mb: round(sampleProcess(pid).rssMb) }), RSS_SAMPLE_MS);
  const perRound = Math.max(1, Math.round((N * CHURN_PER_MINUTE * CHURN_ROUND_MS) / 60_000));
  const churnErrors: string[] = [];
  let churned = 0;
  let warm: { t: number; mb: number } | undefined;
  while (performance.now() - started < SECONDS * 1000 - CHURN_ROUND_MS) {
    await sleep(CHURN_ROUND_MS - AWAY_MS);
    const back = await pool.churn(perRound, AWAY_MS);
    churned += perRound;
    churnErrors.push(...back.errors);
    if (!warm && performance.now() - started >= SECONDS * 1000 * WARM_FRACTION) warm = { t: round((performance.now() - started) / 1000), mb: round(sampleProcess(pid).rssMb) };
  }
  await sleep(Math.max(0, SECONDS * 1000 - (performance.now() - started)));
  clearInterval(sampler);
  const end = { t: round((performance.now() - started) / 1000), mb: round(sampleProcess(pid).rssMb) };
  warm ??= rss[0] ?? end;
  const finalStep = await product.pause();
  await sleep(2000);
  const report = await pool.report(finalStep);
  const latency = summarise(report.latency);
  const growth = (end.mb - warm.mb) / warm.mb;
  result = {
    students: N,
    stepsPerSecond: RATE,
    seconds: SECONDS,
    joined: connected.joined,
    churned,
    churnErrors: churnErrors.length,
    connections: report.connections,
    openAtEnd: report.open,
    steps: finalStep,
    missingSteps: report.missing,
    connectionsWithGaps: report.connectionsWithGaps,
    outOfOrder: report.disorder,
    p50: latency.p50,
    p99: latency.p99,
    max: latency.max,
    warmRssMb: warm.mb,
    warmAtS: warm.t,
    endRssMb: end.mb,
    maxRssMb: Math.max(...rss.map((s) => s.mb), end.mb),
    rssGrowthPct: round(100 * growth),
    met: Math.abs(growth) <= RSS_GROWTH_TARGET && report.missing === 0 && report.disorder === 0 && churnErrors.length === 0,
  };
  if (churnErrors.length > 0) console.error(`first churn errors: ${[...new Set(churnErrors)].slice(0, 3).join("; ")}`);
  const m = machine();
  console.log(`soak benchmark, ${WORKERS} client workers, node ${m.node}, ${m.cpus} × ${m.cpu}, load average at start ${loadAtStart}; target: RSS within ${RSS_GROWTH_TARGET * 100}% of warm, 0 lost steps`);
  console.table([result]);
  console.log("RSS (MB) over time:", rss.map((s) => `${s.t}s ${s.mb}`).join(", "));
  console.log(`written ${writeResult("soak", { loadAtStart, workers: WORKERS, churnPerMinute: CHURN_PER_MINUTE, result, rss })}`);
} finally {
  await pool.close();
  await product.close();
}
if (!result?.met) process.exitCode = 1;
