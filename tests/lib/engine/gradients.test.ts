import { describe, expect, it } from "vitest";
import { HIDDEN_ACTIVATION_NAMES, LOSSES, Trainer, type EngineConfig, type StepTrace } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/** Objective the update descends: mean batch loss plus the regularisation penalty (weights only). */
function objective(t: Trainer, theta: Float64Array, trace: StepTrace): number {
  const { inputDim, targetDim, train } = t.data;
  let sum = 0;
  for (const ex of trace.examples) {
    const out = t.net.forward(theta, train.x, ex.index * inputDim);
    for (let k = 0; k < targetDim; k++) sum += LOSSES.mse.fn(out[k], train.y[ex.index * targetDim + k]);
  }
  const reg = trace.regularization;
  let penalty = 0;
  for (let k = 0; k < theta.length; k++) {
    if (t.layout.isWeight[k] !== 1) continue;
    if (reg.kind === "l2") penalty += 0.5 * reg.rate * theta[k] * theta[k];
    if (reg.kind === "l1") penalty += reg.rate * Math.abs(theta[k]);
  }
  return sum / trace.examples.length + penalty;
}

/** Worst relative error between the traced gradient and central finite differences. */
function worstRelativeError(config: EngineConfig, warmupSteps: number): number {
  const t = new Trainer(config);
  t.run(warmupSteps);
  const trace = t.stepTraced();
  expect(trace.diverged).toBe(false);
  const theta = Float64Array.from(trace.before);
  let worst = 0;
  for (let k = 0; k < theta.length; k++) {
    // five-point stencil: truncation error O(h⁴), so h can be large enough to keep rounding small
    const h = 1e-4 * Math.max(1, Math.abs(theta[k]));
    const at = (d: number) => {
      const saved = theta[k];
      theta[k] = saved + d;
      const v = objective(t, theta, trace);
      theta[k] = saved;
      return v;
    };
    const fd = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    const g = trace.grad[k];
    // relative error, with a floor so gradients that are ~0 on both sides compare absolutely
    worst = Math.max(worst, Math.abs(g - fd) / Math.max(Math.abs(g), Math.abs(fd), 1e-6));
  }
  return worst;
}

const NETWORKS = [
  { label: "2-2-1 on XOR (1 output)", base: {} },
  { label: "2-4-3-1 on circle (1 output)", base: { layers: [2, 4, 3, 1], dataset: { name: "circle", size: 60, noise: 0.1 } } },
  {
    label: "3-4-2 on points (2 outputs)",
    base: {
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
    },
  },
];

const REGULARISATION = [
  { kind: "none", rate: 0 },
  { kind: "l2", rate: 0.05 },
  { kind: "l1", rate: 0.02 },
] as const;

describe("backprop gradients match central finite differences (relative error < 1e-6)", () => {
  for (const net of NETWORKS) {
    for (const activation of HIDDEN_ACTIVATION_NAMES) {
      for (const batchSize of [1, 3]) {
        for (const regularization of REGULARISATION) {
          it(`${net.label}, ${activation}, batch ${batchSize}, regularisation ${regularization.kind}`, () => {
            // ReLU-family kinks: a seed whose pre-activations are not within h of 0 (checked below)
            const config = parseEngineConfig({
              ...net.base,
              activation: { hidden: activation, output: activation === "relu" ? "sigmoid" : activation },
              batchSize,
              regularization,
              init: { seed: 11 },
              learningRate: 0.1,
            });
            expect(worstRelativeError(config, 5)).toBeLessThan(1e-6);
          });
        }
      }
    }
  }
});
