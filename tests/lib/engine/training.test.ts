import { describe, expect, it } from "vitest";
import { Trainer, type EngineConfig } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/** Exact equality, bit for bit (Object.is also tells 0 from −0). */
function expectBitIdentical(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) throw new Error(`θ[${k}] differs: ${a[k]} vs ${b[k]}`);
}

/** Epochs until the mean training loss drops below `target`, or −1 within `maxEpochs`. */
function epochsToLoss(t: Trainer, target: number, maxEpochs: number): number {
  while (t.epoch < maxEpochs) {
    t.run(t.data.train.n);
    if (t.evaluate("train").loss < target) return t.epoch;
  }
  return -1;
}

describe("training", () => {
  it("XOR learns with sigmoid: loss < 0.01 within 1,000 epochs (seed 42, lr 0.5)", () => {
    const t = new Trainer(parseEngineConfig({}));
    const epochs = epochsToLoss(t, 0.01, 1000);
    expect(epochs).toBeGreaterThan(0);
    expect(t.evaluate("train").accuracy).toBe(1);
  });

  it("XOR learns with tanh hidden units: loss < 0.01 within 200 epochs (seed 42, lr 0.5)", () => {
    const t = new Trainer(parseEngineConfig({ activation: { hidden: "tanh" } }));
    expect(epochsToLoss(t, 0.01, 200)).toBeGreaterThan(0);
    expect(t.evaluate("train").accuracy).toBe(1);
  });

  it("is deterministic: two runs of 10,000 steps give bit-identical parameters", () => {
    for (const raw of [{}, { layers: [2, 5, 3, 1], activation: { hidden: "tanh" }, batchSize: 7, regularization: { kind: "l2", rate: 0.001 }, dataset: { name: "spiral", noise: 0.2, size: 300 } }]) {
      const config = parseEngineConfig(raw);
      const a = new Trainer(config);
      const b = new Trainer(config);
      a.run(10_000);
      for (let k = 0; k < 10_000; k++) b.stepOnce();
      expectBitIdentical(a.theta, b.theta);
      expect(a.step).toBe(10_000);
      expect([a.epoch, a.cursor]).toEqual([b.epoch, b.cursor]);
    }
  });

  it("the unrolled 2-2-1 kernel, the general path and the traced path agree bit for bit", () => {
    for (const hidden of ["sigmoid", "tanh", "relu", "leaky-relu", "linear"] as const) {
      const config = parseEngineConfig({ activation: { hidden }, learningRate: hidden === "sigmoid" ? 0.5 : 0.05 });
      const fast = new Trainer(config);
      const general = new Trainer(config, { specialise: false });
      const traced = new Trainer(config);
      fast.run(5_000);
      general.run(5_000);
      let last = traced.stepTraced();
      for (let k = 1; k < 5_000; k++) last = traced.stepTraced();
      expectBitIdentical(fast.theta, general.theta);
      expectBitIdentical(fast.theta, traced.theta);
      expectBitIdentical(last.after, traced.theta);
      expect(fast.lastLoss).toBe(general.lastLoss);
    }
  });

  it("a checkpoint restores bit-identically, and training from it matches an uninterrupted run", () => {
    const config = parseEngineConfig({ layers: [2, 4, 1], batchSize: 3, dataset: { name: "circle", size: 50, noise: 0.1 } });
    const whole = new Trainer(config);
    whole.run(1234);
    const part = new Trainer(config);
    part.run(777);
    const resumed = Trainer.restore(config, part.exportState());
    resumed.run(1234 - 777);
    expectBitIdentical(resumed.theta, whole.theta);
    expect([resumed.step, resumed.epoch, resumed.cursor]).toEqual([whole.step, whole.epoch, whole.cursor]);
  });

  it("the seed's literal sign 2(y − ŷ) makes the loss climb; the correct sign makes it fall", () => {
    const base = { params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] }, dataset: { points: [{ x: [0, 1], y: [1] }] } };
    const correct = new Trainer(parseEngineConfig(base));
    const slip = new Trainer({ ...parseEngineConfig(base), loss: "mse-seed-sign" } as EngineConfig);
    const start = correct.evaluate("train").loss;
    correct.run(50);
    slip.run(50);
    expect(correct.evaluate("train").loss).toBeLessThan(start);
    expect(slip.evaluate("train").loss).toBeGreaterThan(start);
    expect(slip.evaluate("train").loss).toBeGreaterThan(0.9); // ŷ driven towards 0, away from y = 1
  });

  it("divergence is caught: the step is rejected, parameters stay finite and at the last good values", () => {
    const config = parseEngineConfig({
      layers: [2, 4, 1],
      activation: { hidden: "linear", output: "linear" },
      learningRate: 10,
      dataset: { points: [{ x: [50, -40], y: [1] }, { x: [-30, 60], y: [0] }] },
    });
    const t = new Trainer(config);
    const applied = t.run(10_000);
    expect(applied).toBeLessThan(10_000);
    expect(t.divergedAt).toBe(applied + 1);
    expect(t.step).toBe(applied);
    for (const v of t.theta) expect(Number.isFinite(v)).toBe(true);
    const replay = new Trainer(config);
    replay.run(applied);
    expectBitIdentical(t.theta, replay.theta);
    const trace = t.stepTraced();
    expect(trace.diverged).toBe(true);
    expect(trace.step).toBe(applied + 1);
    expectBitIdentical(trace.after, trace.before);
    expect(t.step).toBe(applied);
  });

  it("after divergence further steps keep being rejected without touching θ; setHyper clears the flag", () => {
    const config = parseEngineConfig({ layers: [2, 4, 1], activation: { hidden: "linear", output: "linear" }, learningRate: 10, dataset: { points: [{ x: [50, -40], y: [1] }, { x: [-30, 60], y: [0] }] } });
    const t = new Trainer(config);
    t.run(100);
    const stuck = t.exportState();
    expect(t.stepOnce()).toBe(false);
    expect(t.run(10)).toBe(0);
    expect(t.divergedAt).toBe(stuck.step + 1);
    expectBitIdentical(t.theta, stuck.params);
    t.setHyper({ learningRate: 0.001 });
    expect(t.divergedAt).toBeNull();
  });

  it("mini-batches: a step is one update, an epoch one pass (the last batch may be smaller)", () => {
    const t = new Trainer(parseEngineConfig({ batchSize: 3, dataset: { name: "gaussian", size: 20, testRatio: 0.5 } }));
    expect(t.data.train.n).toBe(10);
    const sizes = [1, 2, 3, 4].map(() => t.stepTraced().batchSize);
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect([t.step, t.epoch, t.cursor]).toEqual([4, 1, 0]);
    const seen = new Set<number>();
    const u = new Trainer(t.config);
    for (let k = 0; k < 4; k++) for (const ex of u.stepTraced().examples) seen.add(ex.index);
    expect(seen.size).toBe(10); // every training example exactly once per epoch
  });

  it("regularisation: the trace separates the data gradient from the penalty term, biases untouched", () => {
    const t = new Trainer(parseEngineConfig({ regularization: { kind: "l2", rate: 0.1 } }));
    const trace = t.stepTraced();
    trace.names.forEach((name, k) => {
      const isBias = name.startsWith("b");
      expect(trace.gradPenalty[k]).toBe(isBias ? 0 : 0.1 * trace.before[k]);
      expect(trace.grad[k]).toBe(trace.gradData[k] + trace.gradPenalty[k]);
    });
    expect(trace.penalty).toBeCloseTo(0.05 * trace.before.filter((_, k) => !trace.names[k].startsWith("b")).reduce((s, w) => s + w * w, 0), 15);
  });

  it("changing the batch size mid-epoch continues from the same position", () => {
    const t = new Trainer(parseEngineConfig({ batchSize: 1, dataset: { name: "circle", size: 30, testRatio: 0 } }));
    t.run(5);
    t.setHyper({ batchSize: 4 });
    const trace = t.stepTraced();
    expect(trace.examples.map((e) => e.index)).toEqual(Array.from(t.order.slice(5, 9)));
    expect(() => t.setHyper({ batchSize: 31 })).toThrow(/batchSize/);
  });
});
