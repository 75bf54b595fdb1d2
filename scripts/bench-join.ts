/**
 * `npm run bench:join`: a class arriving. N students (500) open a WebSocket and join one session,
 * their arrivals spread evenly over a few seconds (5), while the session plays (10 steps/s, with a
 * full history so every snapshot is as large as it gets). Reports connect-start-to-snapshot p50/p95/p99/max
 * and errors; issue 6's target is p99 ≤ 500 ms with zero errors.
 * Options (env): BENCH_N (500), BENCH_SPREAD_SECONDS (5), BENCH_RATE (10; 0 keeps the session paused),
 * BENCH_WORKERS (2..4), BENCH_CPU_PROF (1 writes a --cpu-prof of the server under bench-results/profiles/).
 */
import os from "node:os";
import path from "node:path";
import { installCleanup, ROOT } from "./load/processes";
import { StudentPool } from "./load/students";
import { machine, warnIfBusy, mergeHistograms, record, sleep, summarise, writeResult } from "./load/stats";
import { startProduct } from "./load/targets";

const N = Number(process.env.BENCH_N ?? 500);
const SPREAD_SECONDS = Number(process.env.BENCH_SPREAD_SECONDS ?? 5);
const RATE = Number(process.env.BENCH_RATE ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? Math.min(4, Math.max(2, os.cpus().length)));
/** Steps played before the class arrives, so snapshots carry a full loss-curve history. */
const HISTORY_STEPS = 500;
const P99_TARGET_MS = 500;

installCleanup(300_000);
const loadAtStart = warnIfBusy();
const profDir = path.join(ROOT, "bench-results", "profiles", `join-${N}-${Date.now()}`);
const product = await startProduct({}, process.env.BENCH_CPU_PROF === "1" ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : []);
const pool = StudentPool.start(WORKERS);
let result;
try {
  if (RATE > 0) {
    await product.play(60);
    await product.waitForStep(HISTORY_STEPS);
    await product.play(RATE);
  }
  console.log(`join: ${N} students arriving over ${SPREAD_SECONDS} s (session ${RATE > 0 ? `playing at ${RATE} steps/s` : "paused"}) …`);
  const started = performance.now();
  const joined = await pool.connect({ url: product.server.url, count: N, joinCode: product.joinCode, name: "student", spreadMs: SPREAD_SECONDS * 1000 });
  const wallSeconds = (performance.now() - started) / 1000;
  await sleep(1000);
  // Every student joined must then receive every step without a gap (R14: the next frame is snapshot.step + 1).
  const finalStep = RATE > 0 ? await product.pause() : undefined;
  await sleep(1000);
  const report = await pool.report(finalStep);
  const counts = new Map<number, number>();
  for (const ms of joined.joinMs) record(counts, ms);
  const latency = summarise(mergeHistograms([[...counts.entries()]]));
  result = {
    students: N,
    spreadSeconds: SPREAD_SECONDS,
    stepsPerSecond: RATE,
    joined: joined.joined,
    errors: joined.errors.length,
    p50: latency.p50,
    p95: latency.p95,
    p99: latency.p99,
    max: latency.max,
    wallSeconds: Number(wallSeconds.toFixed(2)),
    missingStepsAfterJoin: report.missing,
    p99Met: latency.p99 <= P99_TARGET_MS && joined.errors.length === 0,
  };
  if (joined.errors.length > 0) console.error(`first errors: ${[...new Set(joined.errors)].slice(0, 3).join("; ")}`);
} finally {
  await pool.close();
  await product.close();
}
const m = machine();
console.log(`join benchmark (connect start → join snapshot, ms), ${WORKERS} client workers, node ${m.node}, ${m.cpus} × ${m.cpu}, load average at start ${loadAtStart}; target p99 ≤ ${P99_TARGET_MS} ms, 0 errors`);
console.table([result]);
console.log(`written ${writeResult("join", { loadAtStart, workers: WORKERS, result })}`);
if (!result.p99Met || result.missingStepsAfterJoin > 0) process.exitCode = 1;
