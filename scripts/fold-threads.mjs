#!/usr/bin/env node
/**
 * Where in the play loop's period each thread of the bench works: reads `perf script -F pid,tid,time`
 * (of a `perf record -a` taken during `npm run bench:fanout`), keeps the last `seconds` before the
 * busiest student process went quiet (the measured window: play stops at its end), and counts each
 * thread's samples by their phase within `periodMs`, in `bins` bins. With periodMs two ticks long
 * (100 at 20 steps/s, 200 at 10), a broadcast shows as a run of busy bins in the server's main thread
 * and the students, and a thread that works between broadcasts (or on them) shows where.
 *
 *   perf record -a -F 999 -o /tmp/perf.data -- sleep 75 &
 *   BENCH_BASELINE=0 BENCH_CASES=1000x20 BENCH_SECONDS=20 BENCH_DATA=existing npm run bench:fanout
 *   perf script -i /tmp/perf.data -F pid,tid,time | node scripts/fold-threads.mjs 100 20
 *
 * Usage: node scripts/fold-threads.mjs [periodMs=100] [seconds=20] [bins=20] < perf-script-output
 * Prints one line per thread with at least 100 samples in the window: pid/tid, samples, then the bins.
 */
import { readFileSync } from "node:fs";

const [periodMs, seconds, bins] = [process.argv[2] ?? 100, process.argv[3] ?? 20, process.argv[4] ?? 20].map(Number);
if (![periodMs, seconds, bins].every((x) => Number.isFinite(x) && x > 0)) {
  console.error("usage: node scripts/fold-threads.mjs [periodMs>0] [seconds>0] [bins>0] < perf-script-output");
  process.exit(2);
}

/** [pid, tid, seconds] of each sample line ("  1234/1240  3717.312689: "). */
const samples = [];
for (const line of readFileSync(0, "utf8").split("\n")) {
  const m = /^\s*(\d+)\/(\d+)\s+([\d.]+):/.exec(line);
  if (m) samples.push([Number(m[1]), Number(m[2]), Number(m[3])]);
}
if (samples.length === 0) {
  console.error("no samples: pipe in `perf script -F pid,tid,time`");
  process.exit(1);
}

const perThread = new Map();
for (const [pid, tid] of samples) perThread.set(`${pid}/${tid}`, (perThread.get(`${pid}/${tid}`) ?? 0) + 1);
const ranked = [...perThread.entries()].filter(([k]) => !k.startsWith("0/")).sort((a, b) => b[1] - a[1]);
// The busiest thread is the server's event loop; the busiest thread of another process, a student process.
const serverPid = Number(ranked[0][0].split("/")[0]);
const student = ranked.find(([k]) => Number(k.split("/")[0]) !== serverPid);
const studentTid = Number(student[0].split("/")[1]);
const end = Math.max(...samples.filter((s) => s[1] === studentTid).map((s) => s[2])) - 1;
const start = end - seconds;
const period = periodMs / 1000;

console.log(`server pid ${serverPid}; window ${start.toFixed(1)}–${end.toFixed(1)} s; ${bins} bins of ${(periodMs / bins).toFixed(1)} ms`);
for (const [key] of ranked) {
  const [pid, tid] = key.split("/").map(Number);
  const counts = new Array(bins).fill(0);
  let n = 0;
  for (const [p, t, at] of samples) {
    if (p !== pid || t !== tid || at < start || at > end) continue;
    n++;
    counts[Math.floor((((at - start) % period) / period) * bins)]++;
  }
  if (n >= 100) console.log(`${key.padStart(13)} ${String(n).padStart(6)}  ${counts.map((c) => String(c).padStart(4)).join("")}${pid === serverPid ? "  (server)" : ""}`);
}
