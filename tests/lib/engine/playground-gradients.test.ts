import { describe, expect, it } from "vitest";
import { Trainer, type EngineConfig, type Point } from "@/lib/engine";
import { backpropGradient, lossAt } from "@/lib/gradient-check";
import { parseEngineConfig, type EngineConfigInput } from "@/lib/schemas";

/** The first `n` training examples as the network sees them (features, not raw points). */
function examples(t: Trainer, n: number): Point[] {
  const { inputDim, targetDim, train } = t.data;
  return Array.from({ length: n }, (_, e) => ({
    x: Array.from(train.x.subarray(e * inputDim, (e + 1) * inputDim)),
    y: Array.from(train.y.subarray(e * targetDim, (e + 1) * targetDim)),
  }));
}

/**
 * Worst relative error, over every parameter, between backprop's gradient (the trainer's own batch
 * pass) and a five-point finite-difference estimate of the loss the engine reports (`lossAt`).
 */
function worstRelativeError(config: EngineConfig, warmup: number, batch: number): number {
  const t = new Trainer(config);
  t.run(warmup);
  const ex = examples(t, batch);
  const theta = Float64Array.from(t.theta);
  const g = backpropGradient(config, theta, ex);
  let worst = 0;
  for (let k = 0; k < theta.length; k++) {
    const h = 1e-4 * Math.max(1, Math.abs(theta[k]));
    const at = (d: number) => {
      const p = Float64Array.from(theta);
      p[k] += d;
      return lossAt(config, p, ex);
    };
    const fd = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
    worst = Math.max(worst, Math.abs(g[k] - fd) / Math.max(Math.abs(g[k]), Math.abs(fd), 1e-6));
  }
  return worst;
}

const CASES: { label: string; config: EngineConfigInput }[] = [
  { label: "7 features, 7-4-1 tanh on circle", config: { layers: [7, 4, 1], features: ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], activation: { hidden: "tanh" }, dataset: { name: "circle", size: 60 } } },
  { label: "x1², x2² features, 2-3-1 sigmoid + bce on circle", config: { layers: [2, 3, 1], features: ["x1^2", "x2^2"], loss: "bce", dataset: { name: "circle", size: 60 } } },
  { label: "softmax + ce, 3 classes (spiral)", config: { layers: [2, 5, 3], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", dataset: { name: "spiral", classes: 3, size: 90 } } },
  { label: "softmax + ce, 4 classes (gaussian), features", config: { layers: [3, 5, 4], features: ["x1", "x2", "x1*x2"], activation: { hidden: "relu", output: "softmax" }, loss: "ce", dataset: { name: "gaussian", classes: 4, size: 80 } } },
  { label: "softmax + ce, 4 classes, two hidden layers", config: { layers: [2, 4, 4, 4], activation: { hidden: "sigmoid", output: "softmax" }, loss: "ce", dataset: { name: "spiral", classes: 4, size: 80, noise: 0.2 } } },
  { label: "regression plane, linear output", config: { layers: [2, 3, 1], activation: { hidden: "tanh", output: "linear" }, dataset: { name: "plane", size: 60, noise: 0.1 } } },
  { label: "regression multi-gaussian, linear output, features", config: { layers: [5, 6, 1], features: ["x1", "x2", "x1^2", "x2^2", "x1*x2"], activation: { hidden: "tanh", output: "linear" }, dataset: { name: "multi-gaussian", size: 60 } } },
];

describe("gradients of the playground pieces match five-point finite differences (relative error < 1e-6)", () => {
  for (const c of CASES) {
    for (const batch of [1, 4]) {
      it(`${c.label}, batch ${batch}`, () => {
        const config = parseEngineConfig({ ...c.config, learningRate: 0.05, batchSize: batch, init: { seed: 5 } });
        expect(worstRelativeError(config, 7, batch)).toBeLessThan(1e-6);
      });
    }
  }

});
