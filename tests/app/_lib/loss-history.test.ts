import { describe, expect, it } from "vitest";
import { LossHistory } from "@/app/_lib/loss-history";

const summary = (step: number, loss: number) => [step, 0, loss, null, null, null, null] as [number, number, number, null, null, null, null];

describe("loss history: the whole run, always", () => {
  it("puts the stored buckets before the live tail, keeping each bucket's min and max (a spike survives)", () => {
    const h = new LossHistory();
    h.merge([summary(1001, 0.2), summary(1002, 0.19)]);
    h.backfill([
      { step: 500, mean: 0.25, min: 0.24, max: 0.26 },
      { step: 1000, mean: 0.24, min: 0.05, max: 3.5 },
      { step: 1002, mean: 0.2, min: 0.19, max: 0.2 }, // overlaps the live tail: left out
    ]);
    expect(h.steps).toEqual([500, 1000, 1001, 1002]);
    expect(h.batchLoss).toEqual([0.25, 0.24, 0.2, 0.19]);
    expect(h.high).toEqual([0.26, 3.5, null, null]);
    expect(h.low).toEqual([0.24, 0.05, null, null]);
    expect(h.trainLoss).toHaveLength(4);
    // New live steps still append after the backfill.
    h.append(summary(1003, 0.18));
    expect(h.steps.at(-1)).toBe(1003);
    expect(h.high).toHaveLength(5);
  });

  it("a backfill with nothing older than the tail changes nothing; clear forgets the buckets", () => {
    const h = new LossHistory();
    h.merge([summary(1, 0.3)]);
    const version = h.version;
    h.backfill([{ step: 1, mean: 0.3, min: 0.3, max: 0.3 }]);
    expect(h.version).toBe(version);
    h.backfill([]);
    h.clear();
    expect([h.steps, h.low, h.high]).toEqual([[], [], []]);
  });
});
