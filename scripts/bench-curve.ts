/**
 * `npm run bench:curve`: issue 13's "20 concurrent `/curve` on a 100,000-step run: p99 ≤ 300 ms, RSS
 * growth ≤ 64 MB". Seeds a finished 100,000-step run on PGlite (rows only, as a run stored before the
 * rollup existed), then:
 *  1. in this process, A/B on the same database: 20 concurrent reads of different sizes with the query
 *     before the rollup (every row grouped by width_bucket) and with `getCurveBuckets` (rollup plus tail),
 *     and the one-time lazy rollup of the old run in between;
 *  2. over HTTP, the real server on a copy of that database, after one request: 20 concurrent `/curve`
 *     of different sizes (cold: nothing cached, 20 reads), then 20 concurrent identical ones (warm: one
 *     read, shared), then 10 more rounds of 20 new sizes (the steady state), with the server's RSS
 *     sampled every 20 ms.
 * Prints p50/p99, the CPU time each burst cost (on a loaded machine the wall-clock figures measure the
 * other work too; the CPU time is what a quiet machine would wait for at most), and PASS/FAIL against
 * 300 ms and 64 MB; exits non-zero on FAIL.
 * Options (env): BENCH_STEPS (100000), BENCH_CONCURRENT (20), BENCH_CPU_PROF (1 writes a --cpu-prof of the
 * server under bench-results/profiles/).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { engineConfigSchema } from "@/lib/schemas";
import { getCurveBuckets } from "@/server/data/curve";
import { openDatabase } from "@/server/db";
import type { PrismaClient } from "@/server/generated/prisma/client";
import { installCleanup, removeDataDir, ROOT, sampleProcess, startProductServer } from "./load/processes";
import { round, warnIfBusy, writeResult } from "./load/stats";

const STEPS = Number(process.env.BENCH_STEPS ?? 100_000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20);
const P99_TARGET_MS = 300;
const RSS_TARGET_MB = 64;
const SESSION_ID = "00000000-0000-4000-8000-00000000c0de";

/** p-th percentile (nearest rank). */
function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The read before the rollup (kept here only as the A of the A/B): every stored row of the run, grouped. */
async function oldCurve(prisma: PrismaClient, buckets: number): Promise<number> {
  const [range] = await prisma.$queryRaw<{ first: number; last: number }[]>`
    SELECT (SELECT step FROM "StepMetric" WHERE "sessionId" = ${SESSION_ID} AND run = 0 ORDER BY step ASC LIMIT 1) AS first,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = ${SESSION_ID} AND run = 0 ORDER BY step DESC LIMIT 1) AS last`;
  const rows = await prisma.$queryRaw<unknown[]>`
    SELECT max(step) AS step, avg(loss) AS mean, min(loss) AS lo, max(loss) AS hi FROM "StepMetric"
    WHERE "sessionId" = ${SESSION_ID} AND run = 0 AND loss <> 'NaN'::float8 AND loss <> 'Infinity'::float8 AND loss <> '-Infinity'::float8
    GROUP BY width_bucket(step, ${Number(range.first)}::int, ${Number(range.last) + 1}::int, ${buckets}::int) ORDER BY 1`;
  return rows.length;
}

/** Times `n` concurrent calls of `call(k)`; each must give a non-empty curve. With `pid`, also the CPU time that process spent meanwhile (all threads). */
async function concurrently(n: number, call: (k: number) => Promise<number>, pid = process.pid): Promise<{ p50: number; p99: number; cpuMs: number }> {
  const cpu0 = sampleProcess(pid).cpuMs;
  const times = await Promise.all(
    Array.from({ length: n }, async (_, k) => {
      const t0 = performance.now();
      if ((await call(k)) < 1) throw new Error("bench: an empty curve");
      return performance.now() - t0;
    }),
  );
  return { p50: round(percentile(times, 50), 0), p99: round(percentile(times, 99), 0), cpuMs: round(sampleProcess(pid).cpuMs - cpu0, 0) };
}

installCleanup(900_000);
const load = warnIfBusy();
const dir = await mkdtemp(path.join(tmpdir(), "bp-bench-curve-"));
console.log(`curve: seeding a ${STEPS}-step run …`);
const db = await openDatabase({ DATA_DIR: dir, DATABASE_URL: undefined });
await db.prisma.$executeRawUnsafe(
  `INSERT INTO "Session" (id, title, "joinCode", "instructorKeyHash", config, state, step, "updatedAt") VALUES ($1, 'Long run', 'CURVEB', 'x', $2::jsonb, 'finished', ${STEPS}, now())`,
  SESSION_ID,
  JSON.stringify(engineConfigSchema.parse({})),
);
await db.prisma.$executeRawUnsafe(
  `INSERT INTO "StepMetric" ("sessionId", step, epoch, loss) SELECT $1, g, g / 4, 0.7 / sqrt(g) + 0.05 * sin(g / 50.0) + (CASE WHEN g = 77777 THEN 9 ELSE 0 END) FROM generate_series(1, ${STEPS}) g`,
  SESSION_ID,
);
await oldCurve(db.prisma, 500); // both sides read warm pages
const before = await concurrently(CONCURRENT, (k) => oldCurve(db.prisma, 300 + k));
let t0 = performance.now();
await getCurveBuckets(db.prisma, SESSION_ID, 500);
const backfillMs = round(performance.now() - t0, 0);
const after = await concurrently(CONCURRENT, async (k) => (await getCurveBuckets(db.prisma, SESSION_ID, 300 + k)).length);
await db.close();
console.log(`curve: data layer, ${CONCURRENT} concurrent reads of different sizes: before the rollup p50 ${before.p50} ms, p99 ${before.p99} ms (${before.cpuMs} ms CPU); with it p50 ${after.p50} ms, p99 ${after.p99} ms (${after.cpuMs} ms CPU) (one-time rollup of the old run: ${backfillMs} ms)`);

const profDir = process.env.BENCH_CPU_PROF === "1" ? path.join(ROOT, "bench-results", "profiles", `curve-${Date.now()}`) : null;
const server = await startProductServer({}, profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [], { templateDir: dir });
let result;
try {
  const pid = server.child.pid!;
  const url = (points: number) => `${server.url}/api/sessions/${SESSION_ID}/curve?points=${points}`;
  const get = async (points: number) => {
    const res = await fetch(url(points));
    if (res.status !== 200) throw new Error(`bench: /curve answered ${res.status}`);
    return ((await res.json()) as { points: unknown[] }).points.length;
  };
  // One request of each kind first (code paths compiled, the database's pages read): what follows
  // measures requests, not the server's start.
  await get(299);
  await new Promise((r) => setTimeout(r, 1000));
  const start = sampleProcess(pid).rssMb;
  let peak = start;
  const sampler = setInterval(() => (peak = Math.max(peak, sampleProcess(pid).rssMb)), 20);
  const cold = await concurrently(CONCURRENT, (k) => get(300 + k), pid);
  const warm = await concurrently(CONCURRENT, () => get(500), pid);
  // Steady state: 10 more rounds of 20 new sizes each (every request a cache miss), p99 over all 200.
  const rounds = 10;
  const p99s: number[] = [];
  for (let r = 0; r < rounds; r++) p99s.push((await concurrently(CONCURRENT, (k) => get(1000 + r * CONCURRENT + k), pid)).p99);
  const sustained = { medianRoundP99: percentile(p99s, 50), worstRoundP99: Math.max(...p99s) };
  clearInterval(sampler);
  peak = Math.max(peak, sampleProcess(pid).rssMb);
  const rssGrowthMb = round(peak - start, 1);
  const pass = cold.p99 <= P99_TARGET_MS && warm.p99 <= P99_TARGET_MS && rssGrowthMb <= RSS_TARGET_MB;
  console.log(
    `curve: HTTP, ${CONCURRENT} concurrent /curve on ${STEPS} steps: cold (different sizes, uncached) p50 ${cold.p50} ms, p99 ${cold.p99} ms (server CPU ${cold.cpuMs} ms); ` +
      `warm (identical) p50 ${warm.p50} ms, p99 ${warm.p99} ms (server CPU ${warm.cpuMs} ms); ${rounds} more rounds of different sizes: p99 ${sustained.medianRoundP99} ms in the median round, ${sustained.worstRoundP99} ms in the worst; RSS +${rssGrowthMb} MB ` +
      `→ ${pass ? "PASS" : "FAIL"} (p99 ≤ ${P99_TARGET_MS} ms, RSS growth ≤ ${RSS_TARGET_MB} MB)`,
  );
  result = { steps: STEPS, concurrent: CONCURRENT, loadAverageAtStart: load, dataLayer: { before, after, backfillMs }, http: { cold, warm, sustained, rssGrowthMb }, pass };
} finally {
  await server.stop();
  await removeDataDir(dir);
}
console.log(`curve: written ${writeResult("curve", result)}`);
process.exit(result?.pass ? 0 : 1);
