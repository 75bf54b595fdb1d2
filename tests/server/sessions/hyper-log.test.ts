import { describe, expect, it } from "vitest";
import { HyperLog } from "@/server/sessions/hyper-log";

const base = { learningRate: 0.5, batchSize: 1, regularization: { kind: "none" as const, rate: 0 } };

describe("hyper log (what each step uses)", () => {
  it("[W1] answers which hyperparameters a step used, also for steps computed before a later set", () => {
    const log = new HyperLog(0, base);
    log.record(4, { ...base, learningRate: 3 });
    log.record(9, { ...base, learningRate: 1 });
    expect([1, 4, 5, 9, 10].map((k) => log.of(k).learningRate)).toEqual([0.5, 0.5, 3, 3, 1]);
    // A snapshot at step 2 must say that steps 3..4 still use 0.5, 5..9 use 3, and later steps 1.
    expect(log.after(2).map((s) => [s.since, s.hyper.learningRate])).toEqual([[0, 0.5], [4, 3], [9, 1]]);
    expect(log.after(6).map((s) => [s.since, s.hyper.learningRate])).toEqual([[4, 3], [9, 1]]);
    log.forgetBefore(6);
    expect(log.of(6).learningRate).toBe(3);
    expect(log.latest).toEqual({ since: 9, hyper: { ...base, learningRate: 1 } });
  });

  it("[W2] a second set at the same step replaces the first; pending changes of a recovery become segments", () => {
    const log = new HyperLog(0, base);
    log.record(0, { ...base, learningRate: 2 });
    expect(log.after(0)).toEqual([{ since: 0, hyper: { ...base, learningRate: 2 } }]);
    const recovered = new HyperLog(3, base, [{ step: 7, change: { batchSize: 2 } }]);
    expect(recovered.of(7).batchSize).toBe(1);
    expect(recovered.of(8).batchSize).toBe(2);
    expect(recovered.latest.since).toBe(7);
  });
});
