import { describe, expect, it } from "vitest";
import { isStopReached, runUntil, scheduledRate, Trainer } from "@/lib/engine";
import { engineConfigSchema, formatIssues, parseEngineConfig } from "@/lib/schemas";

describe("learning-rate schedules", () => {
  it("constant, step decay and 1/t give their formulas", () => {
    expect(scheduledRate(0.5, undefined, 1000)).toBe(0.5);
    expect(scheduledRate(0.5, { kind: "constant" }, 1000)).toBe(0.5);
    expect([0, 99, 100, 250].map((t) => scheduledRate(0.8, { kind: "step", every: 100, factor: 0.5 }, t))).toEqual([0.8, 0.8, 0.4, 0.2]);
    expect(scheduledRate(1, { kind: "inverse", decay: 0.01 }, 100)).toBe(0.5);
  });

  it("a scheduled run uses η_t at step t: the trace reports it and the update matches a run stepped by hand", () => {
    const config = parseEngineConfig({ learningRate: 0.8, lrSchedule: { kind: "step", every: 3, factor: 0.5 } });
    const scheduled = new Trainer(config);
    const byHand = new Trainer(parseEngineConfig({ learningRate: 0.8 }));
    for (let t = 0; t < 10; t++) {
      byHand.setHyper({ learningRate: 0.8 * 0.5 ** Math.floor(t / 3) });
      byHand.stepOnce();
    }
    const traces = Array.from({ length: 4 }, () => scheduled.stepTraced());
    expect(traces.map((tr) => tr.learningRate)).toEqual([0.8, 0.8, 0.8, 0.4]);
    scheduled.run(6);
    expect(Array.from(scheduled.theta)).toEqual(Array.from(byHand.theta));
  });

  it("without a schedule θ is unchanged bit for bit (the seed kernel still runs)", () => {
    const a = new Trainer(parseEngineConfig({}));
    const b = new Trainer(parseEngineConfig({ lrSchedule: { kind: "constant" } }));
    a.run(1000);
    b.run(1000);
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
  });

  it("a schedule set during a run counts from that step", () => {
    const t = new Trainer(parseEngineConfig({ learningRate: 1 }));
    t.run(50);
    t.setHyper({ lrSchedule: { kind: "inverse", decay: 0.5 } });
    expect(t.hyper.lrSchedule).toEqual({ kind: "inverse", decay: 0.5, start: 50 });
    expect(t.rate()).toBe(1);
    t.run(2);
    expect(t.rate()).toBe(0.5);
    expect(t.exportState().hyper.lrSchedule).toEqual({ kind: "inverse", decay: 0.5, start: 50 });
  });

  it("the schema names a bad schedule field", () => {
    const r = engineConfigSchema.safeParse({ lrSchedule: { kind: "step", every: 0, factor: 0.5 } });
    expect(r.success ? "" : formatIssues(r.error)).toBe("lrSchedule.every: must be ≥ 1");
  });
});

describe("stop conditions", () => {
  it("isStopReached compares steps, epochs and the training loss", () => {
    expect(isStopReached({ kind: "steps", count: 10 }, { step: 10, epoch: 0, trainLoss: NaN })).toBe(true);
    expect(isStopReached({ kind: "epochs", count: 3 }, { step: 99, epoch: 2, trainLoss: NaN })).toBe(false);
    expect(isStopReached({ kind: "loss", below: 0.1 }, { step: 1, epoch: 1, trainLoss: NaN })).toBe(false);
    expect(isStopReached({ kind: "loss", below: 0.1 }, { step: 1, epoch: 1, trainLoss: 0.05 })).toBe(true);
  });

  it("runUntil pauses exactly at a step count or an epoch's end", () => {
    const t = new Trainer(parseEngineConfig({ batchSize: 3, dataset: { name: "circle", size: 50, testRatio: 0 } }));
    expect(runUntil(t, 1000, { kind: "steps", count: 7 })).toEqual({ steps: 7, reached: true });
    expect(runUntil(t, 1000, { kind: "epochs", count: 2 })).toEqual({ steps: 34 - 7, reached: true }); // 17 batches an epoch
    expect([t.epoch, t.cursor]).toEqual([2, 0]);
    expect(runUntil(t, 5, { kind: "epochs", count: 10 })).toEqual({ steps: 5, reached: false });
  });

  it("runUntil on a target loss stops at the first epoch end whose training loss is below it", () => {
    const config = parseEngineConfig({ learningRate: 2 });
    const t = new Trainer(config);
    const r = runUntil(t, 100_000, { kind: "loss", below: 0.05 });
    expect(r.reached).toBe(true);
    expect(t.evaluate("train").loss).toBeLessThanOrEqual(0.05);
    const check = new Trainer(config);
    check.run(r.steps - 4); // one epoch (4 steps) earlier the loss was still above
    expect(check.evaluate("train").loss).toBeGreaterThan(0.05);
  });
});
