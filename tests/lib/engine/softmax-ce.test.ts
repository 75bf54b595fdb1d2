import { describe, expect, it } from "vitest";
import { ACTIVATIONS, LOSSES, softmaxInPlace, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

describe("softmax and cross-entropy", () => {
  it("softmax is max-subtracted: logits of ±1000 give finite probabilities summing to 1", () => {
    const z = Float64Array.from([1000, 999, -1000]);
    const a = new Float64Array(3);
    softmaxInPlace(z, a, 0, 1, 3);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 15);
    // e^0 / (e^0 + e^−1 + e^−2000) and the same for the runner-up
    expect(a[0]).toBeCloseTo(1 / (1 + Math.exp(-1)), 15);
    expect(a[1]).toBeCloseTo(Math.exp(-1) / (1 + Math.exp(-1)), 15);
    expect(a[2]).toBe(0);
  });

  it("softmax with a stride reads one example's outputs from a neuron-major buffer", () => {
    // two examples interleaved: example 1's logits are at 1, 3, 5
    const z = Float64Array.from([0, 1, 0, 2, 0, 3]);
    const a = new Float64Array(6);
    softmaxInPlace(z, a, 1, 2, 3);
    const s = Math.exp(-2) + Math.exp(-1) + 1;
    expect([a[1], a[3], a[5]]).toEqual([Math.exp(-2) / s, Math.exp(-1) / s, 1 / s]);
    expect([a[0], a[2], a[4]]).toEqual([0, 0, 0]);
  });

  it("cross-entropy: zero targets contribute exactly 0 (no 0·ln 0), a certain wrong answer costs −ln ε", () => {
    expect(LOSSES.ce.fn(0, 0)).toBe(0);
    expect(LOSSES.ce.der(0, 0)).toBe(0);
    expect(LOSSES.ce.fn(0.25, 1)).toBeCloseTo(Math.log(4), 15);
    expect(LOSSES.ce.fn(0, 1)).toBeCloseTo(-Math.log(1e-12), 10);
    expect(Number.isFinite(LOSSES.ce.der(0, 1))).toBe(true);
  });

  it("a training step with saturated logits stays finite: δ = ŷ − y, no 0/0", () => {
    const config = parseEngineConfig({
      layers: [2, 3],
      activation: { output: "softmax" },
      loss: "ce",
      params: { weights: [[[800, 0], [0, 800], [-800, -800]]], biases: [[0, 0, 0]] },
      dataset: { points: [{ x: [1, 0], y: [0, 0, 1] }, { x: [0, 1], y: [1, 0, 0] }] },
    });
    const t = new Trainer(config);
    const trace = t.stepTraced();
    expect(trace.diverged).toBe(false);
    expect(trace.simplifiedOutputDelta).toBe(true);
    const ex = trace.examples[0];
    const yhat = ex.a[1];
    expect(yhat.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 15);
    ex.delta[1].forEach((d, k) => expect(d).toBe(yhat[k] - ex.y[k]));
    expect(trace.after.every(Number.isFinite)).toBe(true);
    expect(Number.isFinite(trace.loss)).toBe(true);
  });

  it("training 3-class spiral with softmax + ce on 7 features learns it (seeded: > 90% train accuracy)", () => {
    const config = parseEngineConfig({ layers: [7, 8, 3], features: ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", learningRate: 0.3, batchSize: 10, dataset: { name: "spiral", classes: 3, size: 150, noise: 0.05 } });
    const t = new Trainer(config);
    const start = t.evaluate("train");
    expect(start.accuracy).toBeLessThan(0.5);
    t.run(23_000);
    const end = t.evaluate("train");
    expect(end.loss).toBeLessThan(0.2 * start.loss);
    expect(end.accuracy).toBeGreaterThan(0.9);
  });

  it("the same config and seed give the same θ bit for bit", () => {
    const config = parseEngineConfig({ layers: [2, 6, 4], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", batchSize: 4, dataset: { name: "gaussian", classes: 4 } });
    const a = new Trainer(config);
    const b = new Trainer(config);
    a.run(500);
    b.run(500);
    expect(Array.from(a.theta)).toEqual(Array.from(b.theta));
  });

  it("ACTIVATIONS.softmax.der is the Jacobian's diagonal ŷ(1 − ŷ)", () => {
    expect(ACTIVATIONS.softmax.der(0, 0.3)).toBeCloseTo(0.21, 15);
  });
});
