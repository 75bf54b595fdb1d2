import type { PrismaClient } from "../generated/prisma/client";
import { readCurve, readRollupItems, type CurveBucket, type CurveHead, type CurveItems } from "../data/curve";

/** Curves kept; beyond it the least recently used is dropped. */
export const MAX_CACHED_CURVES = 500;
/** Rollup items kept, over all runs (8 bytes each: 1 MB is ~26,000 rollup rows); the least recently used go first. */
export const MAX_CACHED_ROLLUP_BYTES = 16 * 1024 * 1024;
/** A run's cached rollup is read again once its tail (the steps after it) is longer than this many of its ranges. */
const STALE_ROLLUP_RANGES = 8;

/** A least-recently-used map of promises: concurrent callers of one key share one load. */
class Shared<T> {
  private readonly entries = new Map<string, { version: string; value: Promise<T>; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly max: { entries: number; bytes: number },
    private readonly sizeOf: (value: T) => number = () => 0,
  ) {}

  /** The value of `key` if it was loaded for `version` (or `fresh` accepts it), else `load`ed once for every caller. */
  get(key: string, version: string, load: () => Promise<T>, fresh: (version: string) => boolean = (v) => v === version): Promise<T> {
    const hit = this.entries.get(key);
    this.entries.delete(key); // re-inserted below: Map order is least recently used first
    if (hit && fresh(hit.version)) {
      this.entries.set(key, hit);
      return hit.value;
    }
    if (hit) this.bytes -= hit.bytes;
    const entry = { version, value: load(), bytes: 0 };
    entry.value.then(
      (value) => {
        if (this.entries.get(key) !== entry) return;
        entry.bytes = this.sizeOf(value);
        this.bytes += entry.bytes;
        this.evict();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.entries.set(key, entry);
    this.evict();
    return entry.value;
  }

  private evict(): void {
    while (this.entries.size > this.max.entries || this.bytes > this.max.bytes) {
      const [key, oldest] = this.entries.entries().next().value!;
      this.entries.delete(key);
      this.bytes -= oldest.bytes;
    }
  }
}

/**
 * Downsampled loss curves by (session, buckets), valid for one run and step count: concurrent requests
 * for the same curve share one read (20 projectors and phones opening `/curve` at once cost one), and a
 * curve is read again only once the session has moved on (more steps, or a new run). Under them, each
 * run's rollup items per size, shared by every bucket count (20 different sizes cost one rollup read
 * and 20 short tails), read again only once the run's tail has grown long.
 */
export class CurveCache {
  private readonly curves = new Shared<CurveBucket[]>({ entries: MAX_CACHED_CURVES, bytes: Infinity });
  private readonly rollups = new Shared<CurveItems>({ entries: MAX_CACHED_CURVES, bytes: MAX_CACHED_ROLLUP_BYTES }, (r) => r.items.byteLength);

  /** The curve of `head`'s run (the session's current run) in at most `buckets` buckets, as of step `step`. */
  get(prisma: PrismaClient, sessionId: string, head: CurveHead, buckets: number, step: number): Promise<CurveBucket[]> {
    return this.curves.get(`${sessionId}:${buckets}`, `${head.run}:${step}`, () =>
      readCurve(prisma, sessionId, head, buckets, (size) =>
        this.rollups.get(
          `${sessionId}:${head.run}:${size}`,
          String(head.durable),
          () => readRollupItems(prisma, sessionId, head.run, size),
          (cachedAt) => head.durable - Number(cachedAt) < STALE_ROLLUP_RANGES * size,
        ),
      ),
    );
  }
}
