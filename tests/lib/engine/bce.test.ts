import { describe, expect, it } from "vitest";
import { BCE_EPSILON, LOSSES, Trainer, type EngineConfig } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/** Mean binary cross-entropy of the traced batch at parameters θ (what the update descends). */
function batchLoss(t: Trainer, theta: Float64Array, indices: number[]): number {
  const { inputDim, targetDim, train } = t.data;
  let sum = 0;
  for (const e of indices) {
    const out = t.net.forward(theta, train.x, e * inputDim);
    for (let k = 0; k < targetDim; k++) sum += LOSSES.bce.fn(out[k], train.y[e * targetDim + k]);
  }
  return sum / indices.length;
}

/** Worst relative error between the traced gradient and a five-point central difference. */
function worstRelativeError(config: EngineConfig): number {
  const t = new Trainer(config);
  t.run(5);
  const trace = t.stepTraced();
  expect(trace.diverged).toBe(false);
  const indices = trace.examples.map((ex) => ex.index);
  const theta = Float64Array.from(trace.before);
  let worst = 0;
  for (let k = 0; k < theta.length; k++) {
    const h = 1e-4 * Math.max(1, Math.abs(theta[k]));
    const at = (d: number) => {
      const saved = theta[k];
      theta[k] = saved + d;
      const v = batchLoss(t, theta, indices);
      theta[k] = saved;
      return v;
    };
    const fd = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    worst = Math.max(worst, Math.abs(trace.grad[k] - fd) / Math.max(Math.abs(trace.grad[k]), Math.abs(fd), 1e-6));
  }
  return worst;
}

const TWO_OUTPUTS = {
  layers: [3, 4, 2],
  dataset: {
    points: [
      { x: [0.2, -0.5, 0.9], y: [1, 0] },
      { x: [-0.7, 0.3, 0.1], y: [0, 1] },
      { x: [0.4, 0.8, -0.6], y: [0.5, 0.25] },
      { x: [-0.1, -0.9, 0.3], y: [0.2, 0.9] },
      { x: [0.6, 0.1, 0.5], y: [0.7, 0.1] },
    ],
  },
};

/** Exact equality, bit for bit. */
function expectBitIdentical(a: ArrayLike<number>, b: ArrayLike<number>): void {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) if (!Object.is(a[k], b[k])) throw new Error(`θ[${k}] differs: ${a[k]} vs ${b[k]}`);
}

describe("binary cross-entropy", () => {
  for (const [label, base] of [
    ["2-2-1 on XOR (1 output)", {}],
    ["2-4-3-1 tanh hidden on circle (1 output)", { layers: [2, 4, 3, 1], activation: { hidden: "tanh" }, dataset: { name: "circle", size: 60, noise: 0.1 } }],
    ["3-4-2 on soft targets (2 outputs)", TWO_OUTPUTS],
  ] as const) {
    for (const batchSize of [1, 3]) {
      it(`gradient matches central finite differences (relative error < 1e-6): ${label}, batch ${batchSize}`, () => {
        const config = parseEngineConfig({ ...base, loss: "bce", batchSize, init: { seed: 11 }, learningRate: 0.1 });
        expect(worstRelativeError(config)).toBeLessThan(1e-6);
      });
    }
  }

  it("with a sigmoid output the output delta is exactly ŷ − y; the trace also shows ∂L/∂ŷ = (ŷ − y)/(ŷ(1 − ŷ))", () => {
    const t = new Trainer(parseEngineConfig({ ...TWO_OUTPUTS, loss: "bce", batchSize: 3 }));
    const trace = t.stepTraced();
    expect(trace.simplifiedOutputDelta).toBe(true);
    for (const ex of trace.examples) {
      ex.a[2].forEach((yhat, k) => {
        expect(ex.delta[2][k]).toBe(yhat - ex.y[k]);
        expect(ex.dLdyhat[k]).toBe((yhat - ex.y[k]) / (yhat * (1 - yhat)));
        // the chain-rule product agrees to rounding: the simplification is exact algebra
        expect(ex.dLdyhat[k] * yhat * (1 - yhat)).toBeCloseTo(yhat - ex.y[k], 14);
        expect(ex.loss).toBeCloseTo(ex.a[2].reduce((s, p, i) => s - (ex.y[i] * Math.log(p) + (1 - ex.y[i]) * Math.log(1 - p)), 0), 14);
      });
    }
    expect(new Trainer(parseEngineConfig({})).stepTraced().simplifiedOutputDelta).toBe(false);
  });

  it("trains XOR (seed 42, lr 0.5): mean loss < 0.05 and accuracy 100% within 1,000 epochs", () => {
    const t = new Trainer(parseEngineConfig({ loss: "bce", learningRate: 0.5, batchSize: 1 }));
    const start = t.evaluate("train").loss;
    while (t.epoch < 1000 && t.evaluate("train").loss >= 0.05) t.run(t.data.train.n);
    expect(t.evaluate("train").loss).toBeLessThan(0.05);
    expect(t.evaluate("train").loss).toBeLessThan(start);
    expect(t.evaluate("train").accuracy).toBe(1);
    expect(t.divergedAt).toBeNull();
  });

  it("the unrolled 2-2-1 kernel, the general path and the traced path agree bit for bit", () => {
    const config = parseEngineConfig({ loss: "bce", activation: { hidden: "tanh" } });
    const fast = new Trainer(config);
    const general = new Trainer(config, { specialise: false });
    const traced = new Trainer(config);
    fast.run(3_000);
    general.run(3_000);
    for (let k = 0; k < 3_000; k++) traced.stepTraced();
    expectBitIdentical(fast.theta, general.theta);
    expectBitIdentical(fast.theta, traced.theta);
    expect(fast.lastLoss).toBe(general.lastLoss);
  });

  it(`a saturated output (ŷ exactly 0 or 1) gives a finite, clamped loss and keeps training: no silent NaN`, () => {
    // zo = ±100: σ rounds to exactly 1 (and 1 − σ to 0); the wrong class costs −ln ε, the right one −ln(1 − ε)
    const params = { weights: [[[0, 0], [0, 0]], [[0, 0]]], biases: [[0, 0], [100]] };
    const t = new Trainer(parseEngineConfig({ loss: "bce", learningRate: 0.5, params, dataset: { points: [{ x: [0, 0], y: [0] }] } }));
    expect(t.net.forward(t.theta, [0, 0], 0)[0]).toBe(1);
    const trace = t.stepTraced();
    expect(trace.diverged).toBe(false);
    // 1 − (1 − ε) is not exactly ε in binary64; the loss is −ln of what the clamp leaves, ≈ 27.6
    expect(trace.loss).toBe(-Math.log(1 - (1 - BCE_EPSILON)));
    expect(trace.loss).toBeCloseTo(-Math.log(BCE_EPSILON), 4);
    expect(Number.isFinite(trace.examples[0].dLdyhat[0])).toBe(true);
    expect(trace.examples[0].delta[2][0]).toBe(1); // ŷ − y, unclamped: the full push back towards 0
    expect(trace.after[8]).toBe(100 - 0.5 * 1);
    expect(LOSSES.bce.fn(1, 1)).toBeCloseTo(-Math.log(1 - BCE_EPSILON), 20);
    expect(LOSSES.bce.fn(0, 0)).toBeCloseTo(-Math.log(1 - BCE_EPSILON), 20);
    expect(LOSSES.bce.fn(0, 1)).toBeCloseTo(-Math.log(BCE_EPSILON), 10);
    expect(Number.isFinite(LOSSES.bce.der(0, 1)) && Number.isFinite(LOSSES.bce.der(1, 1))).toBe(true);
  });

  it("a NaN output still counts as divergence (the clamp does not hide it)", () => {
    expect(LOSSES.bce.fn(NaN, 1)).toBeNaN();
    expect(LOSSES.bce.der(NaN, 0)).toBeNaN();
  });
});
