import { usesSimplifiedDelta } from "./loss";
import { describeParams } from "./names";
import { scheduledRate } from "./schedule";
import type { Regularization } from "./types";
import type { Trainer } from "./trainer";

/** Everything one example did during a step. Layer-indexed arrays start at the input layer. */
export interface ExampleTrace {
  /** Index of the example in the training split. */
  index: number;
  /** The network's inputs: the features of the point when the config lists features, else the point. */
  x: number[];
  /** The raw data point (x1, x2) the features were computed from; only when the config lists features. */
  point?: number[];
  y: number[];
  /** z[l][i] (z[0] is empty: inputs have no pre-activation). */
  z: number[][];
  /** a[l][i] (a[0] = x, the last layer = ŷ). */
  a: number[][];
  /** Σ_k ℓ(ŷ_k, y_k) for this example: (y_k − ŷ_k)² for mse, −[y·ln ŷ + (1 − y)·ln(1 − ŷ)] for bce. */
  loss: number;
  /** ∂L/∂ŷ_k: 2(ŷ_k − y_k) for mse, (ŷ_k − y_k)/(ŷ_k(1 − ŷ_k)) for bce (ŷ clamped to [ε, 1 − ε]). */
  dLdyhat: number[];
  /**
   * δ[l][i] = ∂L/∂z[l][i] (δ[0] is empty). The output layer's δ is ∂L/∂ŷ · f'(z), except with
   * `simplifiedOutputDelta`, where it is ŷ − y.
   */
  delta: number[][];
}

/** A whole update step, readable: every number the equations panel and `explain` print. */
export interface StepTrace {
  /** Step number this trace produces (1 = the first update). */
  step: number;
  /** Completed epochs after this step. */
  epoch: number;
  /** True when the update was rejected because a loss or parameter was not finite. */
  diverged: boolean;
  learningRate: number;
  batchSize: number;
  regularization: Regularization;
  examples: ExampleTrace[];
  /** Mean data loss over the batch. */
  loss: number;
  /**
   * True when the output layer's δ was computed as ŷ − y (binary cross-entropy on a sigmoid output,
   * where ∂L/∂ŷ · σ'(z) simplifies to that exactly) instead of the product ∂L/∂ŷ · f'(z).
   */
  simplifiedOutputDelta: boolean;
  /** Regularisation penalty of the parameters before the update (½λΣw² or λΣ|w|). */
  penalty: number;
  /** Parameter names in θ order (seed names for 2-2-1). */
  names: string[];
  /** θ before the update. */
  before: number[];
  /** Mean data gradient ∂L/∂θ over the batch. */
  gradData: number[];
  /** Regularisation term added to each weight's gradient (0 for biases). */
  gradPenalty: number[];
  /** gradData + gradPenalty: what the update used. */
  grad: number[];
  /** θ after the update (equal to `before` when diverged). */
  after: number[];
}

const namesCache = new WeakMap<object, string[]>();

/** Assembles the trace of the step the trainer just ran (or rejected). */
export function buildTrace(t: Trainer, before: number[], examples: ExampleTrace[], ok: boolean): StepTrace {
  let names = namesCache.get(t.layout);
  if (!names) {
    names = describeParams(t.layout).map((p) => p.name);
    namesCache.set(t.layout, names);
  }
  const reg = t.hyper.regularization;
  const n = before.length;
  const gradData: number[] = [];
  const gradPenalty: number[] = [];
  const grad: number[] = [];
  const after: number[] = [];
  let penalty = 0;
  const data = t.lastGradient;
  for (let k = 0; k < n; k++) {
    const w = before[k];
    const isWeight = t.layout.isWeight[k] === 1 && reg.kind !== "none";
    const p = isWeight ? (reg.kind === "l2" ? reg.rate * w : reg.rate * Math.sign(w)) : 0;
    if (isWeight) penalty += reg.kind === "l2" ? 0.5 * reg.rate * w * w : reg.rate * Math.abs(w);
    gradData.push(data[k]);
    gradPenalty.push(p);
    grad.push(isWeight ? data[k] + p : data[k]);
    after.push(ok ? t.theta[k] : w);
  }
  return {
    step: ok ? t.step : t.step + 1,
    epoch: t.epoch,
    diverged: !ok,
    // the rate of this update: the schedule's rate after step − 1 updates
    learningRate: scheduledRate(t.hyper.learningRate, t.hyper.lrSchedule, ok ? t.step - 1 : t.step),
    batchSize: examples.length,
    regularization: { ...reg },
    examples,
    loss: t.lastLoss,
    simplifiedOutputDelta: usesSimplifiedDelta(t.loss, t.net.output),
    penalty,
    names,
    before,
    gradData,
    gradPenalty,
    grad,
    after,
  };
}
