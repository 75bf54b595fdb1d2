import { describe, expect, it } from "vitest";
import { ACTIVATIONS, LOSSES, Trainer, usesSimplifiedDelta, type EngineConfig } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/**
 * The textbook algorithm, one example at a time, written as plainly as possible: each example forward,
 * then backward, its gradient added to a running sum (from 0, in batch order), then the mean and the
 * update. The engine's fused BatchPass reorders these loops for speed; it must not change a single
 * floating-point operation, so θ must match this bit for bit after many steps.
 */
function referenceStep(t: Trainer, theta: Float64Array): Float64Array {
  const { sizes, wOff, bOff } = t.layout;
  const hidden = ACTIVATIONS[t.config.activation.hidden];
  const output = ACTIVATIONS[t.config.activation.output];
  const loss = LOSSES[t.config.loss];
  const simplified = usesSimplifiedDelta(loss, output);
  const L = sizes.length - 1;
  const { train, inputDim, targetDim } = t.data;
  const batch = t.nextBatchSize();
  const grad = new Float64Array(theta.length);
  for (let b = 0; b < batch; b++) {
    const e = t.order[t.cursor + b];
    const a: number[][] = [Array.from(train.x.subarray(e * inputDim, (e + 1) * inputDim))];
    const z: number[][] = [[]];
    for (let l = 0; l < L; l++) {
      const f = l === L - 1 ? output : hidden;
      z.push([]);
      a.push([]);
      for (let i = 0; i < sizes[l + 1]; i++) {
        let s = theta[bOff[l] + i];
        for (let j = 0; j < sizes[l]; j++) s += theta[wOff[l] + i * sizes[l] + j] * a[l][j];
        z[l + 1].push(s);
        a[l + 1].push(f.fn(s));
      }
    }
    const delta: number[][] = sizes.map((n) => new Array<number>(n).fill(0));
    for (let k = 0; k < sizes[L]; k++) {
      const yhat = a[L][k];
      const y = train.y[e * targetDim + k];
      delta[L][k] = simplified ? yhat - y : loss.der(yhat, y) * output.der(z[L][k], yhat);
    }
    for (let l = L - 1; l >= 1; l--) {
      for (let j = 0; j < sizes[l]; j++) {
        let s = theta[wOff[l] + j] * delta[l + 1][0];
        for (let i = 1; i < sizes[l + 1]; i++) s += theta[wOff[l] + i * sizes[l] + j] * delta[l + 1][i];
        delta[l][j] = s * hidden.der(z[l][j], a[l][j]);
      }
    }
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < sizes[l + 1]; i++) {
        for (let j = 0; j < sizes[l]; j++) grad[wOff[l] + i * sizes[l] + j] += delta[l + 1][i] * a[l][j];
        grad[bOff[l] + i] += delta[l + 1][i];
      }
    }
  }
  const reg = t.hyper.regularization;
  const next = new Float64Array(theta.length);
  for (let k = 0; k < theta.length; k++) {
    let g = grad[k] / batch;
    if (t.layout.isWeight[k] === 1 && reg.kind !== "none") g += reg.kind === "l2" ? reg.rate * theta[k] : reg.rate * Math.sign(theta[k]);
    next[k] = theta[k] - t.hyper.learningRate * g;
  }
  return next;
}

const CASES: Array<[string, unknown]> = [
  ["2-8-8-1 tanh, spiral, batch 10 (bench case b)", { layers: [2, 8, 8, 1], activation: { hidden: "tanh" }, learningRate: 0.03, batchSize: 10, dataset: { name: "spiral", size: 200, noise: 0.1 } }],
  ["2-5-3-1 relu, circle, batch 7, L1", { layers: [2, 5, 3, 1], activation: { hidden: "relu" }, batchSize: 7, regularization: { kind: "l1", rate: 0.001 }, dataset: { name: "circle", size: 100, noise: 0.2 } }],
  ["2-6-1 leaky-relu → linear, batch 3, L2", { layers: [2, 6, 1], activation: { hidden: "leaky-relu", output: "linear" }, learningRate: 0.01, batchSize: 3, regularization: { kind: "l2", rate: 0.01 }, dataset: { name: "gaussian", size: 60 } }],
  ["2-4-4-1 sigmoid, bce, batch 5 (odd batch)", { layers: [2, 4, 4, 1], loss: "bce", batchSize: 5, dataset: { name: "xor-cloud", size: 80 } }],
  ["3-4-2 tanh → sigmoid, 2 outputs, batch 2", { layers: [3, 4, 2], activation: { hidden: "tanh" }, batchSize: 2, dataset: { points: [{ x: [0.2, -0.5, 0.9], y: [1, 0] }, { x: [-0.7, 0.3, 0.1], y: [0, 1] }, { x: [0.4, 0.8, -0.6], y: [0.5, 0.25] }] } }],
];

describe("the fused batch pass does exactly the per-example arithmetic", () => {
  for (const [label, raw] of CASES) {
    it(`${label}: θ bit-identical to the textbook loop after 300 steps`, () => {
      const config: EngineConfig = parseEngineConfig(raw);
      const t = new Trainer(config, { specialise: false });
      let theta: Float64Array = t.theta.slice();
      for (let k = 0; k < 300; k++) {
        theta = referenceStep(t, theta);
        expect(t.stepOnce()).toBe(true);
        for (let p = 0; p < theta.length; p++) if (!Object.is(theta[p], t.theta[p])) throw new Error(`step ${k + 1}, θ[${p}]: ${theta[p]} vs ${t.theta[p]}`);
      }
    });
  }
});
