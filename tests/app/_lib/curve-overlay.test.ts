import { describe, expect, it } from "vitest";
import { bucketCurve, buildOverlay, runStyle, type RunCurve } from "@/app/_lib/curve-overlay";

const live: RunCurve = { id: "live", label: "Live", steps: [1, 2, 3, 4], loss: [0.5, 0.4, 0.3, 0.2] };
const fork: RunCurve = { id: "fork", label: "Fork at 2", steps: [3, 4, 5], loss: [0.35, null, 0.1] };

describe("curve overlay", () => {
  it("aligns runs on the union of their steps, null where a run has no point", () => {
    const { data, runs } = buildOverlay([live, fork]);
    expect(runs.map((r) => r.id)).toEqual(["live", "fork"]);
    expect(data[0]).toEqual([1, 2, 3, 4, 5]);
    expect(data[1]).toEqual([0.5, 0.4, 0.3, 0.2, null]);
    expect(data[2]).toEqual([null, null, 0.35, null, 0.1]);
  });

  it("leaves hidden runs out (the legend's toggle)", () => {
    const { data, runs } = buildOverlay([live, fork], new Set(["fork"]));
    expect(runs.map((r) => r.id)).toEqual(["fork"]);
    expect(data).toEqual([[3, 4, 5], [0.35, null, 0.1]]);
  });

  it("turns non-finite losses (a diverged step) into gaps", () => {
    const { data } = buildOverlay([{ id: "d", label: "d", steps: [1, 2, 3], loss: [1, Infinity, NaN] }]);
    expect(data[1]).toEqual([1, null, null]);
  });

  it("buckets a long curve into equal step ranges: last step, mean of the finite losses", () => {
    const n = 10_000;
    const long: RunCurve = { id: "l", label: "l", steps: Array.from({ length: n }, (_, i) => i + 1), loss: Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 3)) };
    const b = bucketCurve(long, 500);
    expect(b.steps).toHaveLength(500);
    expect(b.steps[0]).toBe(20);
    expect(b.steps.at(-1)).toBe(n);
    expect(b.loss.every((v) => v === 2)).toBe(true);
    const gaps = bucketCurve({ ...long, loss: long.loss.map((v, i) => (i < 20 ? NaN : v)) }, 500);
    expect(gaps.loss[0]).toBeNull();
    expect(bucketCurve(live, 500)).toBe(live);
  });

  it("gives every run its own style, dashed after the palette runs out", () => {
    expect(runStyle(0)).toEqual({ colourVar: "--pos", dashed: false });
    expect(runStyle(1).colourVar).not.toBe(runStyle(0).colourVar);
    expect(runStyle(6).dashed).toBe(true);
  });
});
