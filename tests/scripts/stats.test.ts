import { describe, expect, it } from "vitest";
import { mergeHistograms, quantile, record, summarise } from "@/scripts/load/stats";

describe("latency histograms (bench quantiles)", () => {
  it("reads a quantile between the edges of its 1 ms bucket", () => {
    // 1,000 latencies of 20 ms: they rounded to 20, so they spread over [19.5, 20.5).
    const flat: [number, number][] = [[20, 1000]];
    expect(quantile(flat, 0.5)).toBeCloseTo(20, 9);
    expect(quantile(flat, 0.99)).toBeCloseTo(20.49, 9);
    expect(quantile(flat, 0)).toBeCloseTo(19.5, 9);
  });

  it("moves by fractions of a millisecond as counts cross a bucket edge, where whole buckets would tie", () => {
    const tail = (late: number): [number, number][] => [[10, 500], [19, 500 - late], [20, late]];
    // 1% of 1,000 is 10: with 4, 8 or 12 late frames the p99 lies in bucket 19, 19 or 20 (whole ms)
    expect(quantile(tail(4), 0.99)).toBeCloseTo(19.5 - 6 / 496, 9);
    expect(quantile(tail(8), 0.99)).toBeCloseTo(19.5 - 2 / 492, 9);
    expect(quantile(tail(12), 0.99)).toBeCloseTo(19.5 + 2 / 12, 9);
    expect(quantile(tail(4), 0.99)).toBeLessThan(quantile(tail(8), 0.99));
    expect(quantile(tail(8), 0.99)).toBeLessThan(quantile(tail(12), 0.99));
  });

  it("summarises merged worker histograms to 0.1 ms, max the highest bucket, NaN when empty", () => {
    const a = new Map<number, number>();
    const b = new Map<number, number>();
    for (let k = 0; k < 90; k++) record(a, 5);
    for (let k = 0; k < 10; k++) record(b, 30.4);
    const s = summarise(mergeHistograms([[...a.entries()], [...b.entries()]]));
    expect(s).toEqual({ count: 100, p50: 5.1, p95: 30, p99: 30.4, max: 30 });
    expect(summarise([]).p99).toBeNaN();
  });
});
