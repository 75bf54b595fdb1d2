/** Latency histograms (1 ms buckets: Date.now() has no finer resolution) and the benches' output. */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";

/** Sparse histogram: [milliseconds, count] pairs. */
export type Histogram = [number, number][];

/** Adds one value to a dense counter map. */
export function record(counts: Map<number, number>, ms: number): void {
  const bucket = Math.max(0, Math.round(ms));
  counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
}

/** Merges histograms from several workers. */
export function mergeHistograms(parts: Histogram[]): Histogram {
  const counts = new Map<number, number>();
  for (const part of parts) for (const [ms, n] of part) counts.set(ms, (counts.get(ms) ?? 0) + n);
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * The `q`-quantile (0..1) of a histogram, read between bucket edges: bucket `ms` holds the latencies
 * that rounded to it, [ms − 0.5, ms + 0.5), spread evenly, so the quantile moves by fractions of a
 * millisecond as counts move instead of jumping a whole bucket. At 1,000 students a p99 of ~20 ms on
 * whole milliseconds can only read 19, 20 or 21 (ratios 0.95, 1.0, 1.05 to a bare server at 20): two
 * servers whose tails differ by 0.4 ms then tie or differ by 5%, by where the bucket edge falls
 * (docs/benchmarks.md, issue 17, fifth pass). NaN when the histogram is empty.
 */
export function quantile(h: Histogram, q: number): number {
  const total = h.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let before = 0;
  for (const [ms, n] of h) {
    if (before + n >= rank) return Math.max(0, ms - 0.5 + (rank - before) / n);
    before += n;
  }
  return h[h.length - 1][0];
}

/** Summary of a latency histogram (quantiles to 0.1 ms, see quantile; max: the highest bucket). */
export function summarise(h: Histogram): { count: number; p50: number; p95: number; p99: number; max: number } {
  return {
    count: h.reduce((sum, [, n]) => sum + n, 0),
    p50: round(quantile(h, 0.5), 1),
    p95: round(quantile(h, 0.95), 1),
    p99: round(quantile(h, 0.99), 1),
    max: h.length ? h[h.length - 1][0] : Number.NaN,
  };
}

/** The machine, for result files and the docs (with its 1-minute load average: other work skews timings). */
export function machine(): { node: string; cpus: number; cpu: string; loadAverage1m: number } {
  return { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "cpu", loadAverage1m: round(os.loadavg()[0], 2) };
}

/** Warns when the machine is already busy (the figures would measure the other work too); returns the load. */
export function warnIfBusy(): number {
  const load = os.loadavg()[0];
  if (load > os.cpus().length * 0.5) console.warn(`bench: the machine is busy (load average ${load.toFixed(1)} on ${os.cpus().length} CPUs): timings will be skewed`);
  return round(load, 2);
}

/** Writes `data` to bench-results/<name>-<timestamp>.json and returns the path. */
export function writeResult(name: string, data: unknown): string {
  mkdirSync("bench-results", { recursive: true });
  const file = `bench-results/${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`;
  writeFileSync(file, JSON.stringify({ ...machine(), ...(data as object) }, null, 2));
  return file;
}

/** Rounds for display. */
export function round(x: number, digits = 1): number {
  return Number.isFinite(x) ? Number(x.toFixed(digits)) : x;
}

/** Sleeps. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
