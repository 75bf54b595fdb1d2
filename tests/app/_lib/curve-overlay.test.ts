import { describe, expect, it } from "vitest";
import { bucketCurve, buildOverlay, runStyle, shiftCurve, stepOffsets, type RunCurve } from "@/app/_lib/curve-overlay";

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

  it("keeps each bucket's lowest and highest loss, so a one-step spike survives bucketing (as in the loss chart)", () => {
    const n = 10_000;
    const loss = Array.from({ length: n }, (_, i) => (i === 4321 ? 9 : 0.5));
    const b = bucketCurve({ id: "s", label: "s", steps: Array.from({ length: n }, (_, i) => i + 1), loss }, 500);
    const spike = b.steps.findIndex((s) => s >= 4322);
    expect(b.high![spike]).toBe(9);
    expect(b.low![spike]).toBe(0.5);
    expect(b.loss[spike]).toBeCloseTo((19 * 0.5 + 9) / 20, 12);
    expect(b.high!.filter((v) => v === 9)).toHaveLength(1);
    // Points that already were buckets (the server's, the live history's older part) bring their own extents.
    const again = bucketCurve({ id: "t", label: "t", steps: [1, 2, 3, 4], loss: [1, 1, 1, 1], low: [0.2, null, 1, 1], high: [3, null, 1, 1] }, 2);
    expect(again).toMatchObject({ steps: [2, 4], loss: [1, 1], low: [0.2, 1], high: [3, 1] });
  });

  it("adds a min and a max column for each bucketed run after the runs' own columns", () => {
    const bucketed: RunCurve = { id: "b", label: "b", steps: [2, 4], loss: [1, 2], low: [0.5, 1.5], high: [3, 2.5] };
    const { data, extents } = buildOverlay([live, bucketed]);
    expect(extents).toEqual([{ run: 1, low: 3, high: 4 }]);
    expect(data[0]).toEqual([1, 2, 3, 4]);
    expect(data[2]).toEqual([null, 1, null, 2]);
    expect(data[3]).toEqual([null, 0.5, null, 1.5]);
    expect(data[4]).toEqual([null, 3, null, 2.5]);
    expect(buildOverlay([live]).extents).toEqual([]);
  });

  it("gives every run its own style, dashed after the palette runs out", () => {
    expect(runStyle(0)).toEqual({ colourVar: "--pos", dashed: false });
    expect(runStyle(1).colourVar).not.toBe(runStyle(0).colourVar);
    expect(runStyle(6).dashed).toBe(true);
  });
});

describe("forks continue from where they were forked", () => {
  it("shifts a fork by its fork step, a fork of a fork by both, and leaves unrelated runs at 0", () => {
    const offsets = stepOffsets([
      { id: "lecture", parentId: null, forkedAtStep: null },
      { id: "fork", parentId: "lecture", forkedAtStep: 40 },
      { id: "forkfork", parentId: "fork", forkedAtStep: 5 },
      { id: "orphan", parentId: "not-shown", forkedAtStep: 12 },
      { id: "earlier", parentId: null, forkedAtStep: null },
    ]);
    expect(Object.fromEntries(offsets)).toEqual({ lecture: 0, fork: 40, forkfork: 45, orphan: 0, earlier: 0 });
  });

  it("survives a cycle in bad data", () => {
    const offsets = stepOffsets([
      { id: "a", parentId: "b", forkedAtStep: 1 },
      { id: "b", parentId: "a", forkedAtStep: 2 },
    ]);
    expect([...offsets.values()].every(Number.isFinite)).toBe(true);
  });

  it("moves a curve along the step axis", () => {
    expect(shiftCurve(fork, 10).steps).toEqual([13, 14, 15]);
    expect(shiftCurve(fork, 0)).toBe(fork);
  });
});
