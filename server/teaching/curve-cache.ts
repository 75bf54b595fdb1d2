import type { CurveBucket } from "../data/curve";

/** Curves kept; beyond it the least recently used is dropped. */
export const MAX_CACHED_CURVES = 500;

/**
 * Downsampled loss curves by (session, buckets), valid for one run and step count: concurrent requests
 * for the same curve share one database query (20 projectors and phones opening `/curve` at once cost
 * one read), and a curve is read again only once the session has moved on (more steps, or a new run).
 */
export class CurveCache {
  private readonly entries = new Map<string, { version: string; value: Promise<CurveBucket[]> }>();

  constructor(
    private readonly load: (sessionId: string, buckets: number) => Promise<CurveBucket[]>,
    private readonly max = MAX_CACHED_CURVES,
  ) {}

  /** The curve of `sessionId` in at most `buckets` buckets, as of step `step` of run `run`. */
  get(sessionId: string, buckets: number, run: number, step: number): Promise<CurveBucket[]> {
    const version = `${run}:${step}`;
    const key = `${sessionId}:${buckets}`;
    const hit = this.entries.get(key);
    this.entries.delete(key); // re-inserted below: Map order is least recently used first
    if (hit && hit.version === version) {
      this.entries.set(key, hit);
      return hit.value;
    }
    const entry = { version, value: this.load(sessionId, buckets) };
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.entries.set(key, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry.value;
  }
}
