import { ACTIVATIONS } from "./activations";
import { BatchPass } from "./batch";
import { buildDataset, type Dataset, type Split } from "./datasets";
import { createSeedKernel, type SeedKernel } from "./kernel-221";
import { createLayout, flattenParams, initParams, type Layout } from "./layout";
import { LOSSES, type Loss } from "./loss";
import { isSeedNetwork } from "./names";
import { Network } from "./network";
import { Mulberry32, mixSeed, shuffleInPlace } from "./random";
import { scheduledRate } from "./schedule";
import { recordExample } from "./record";
import { buildTrace, type ExampleTrace, type StepTrace } from "./trace";
import type { EngineConfig, Hyper } from "./types";

/** Where training stands: enough, with the config, to continue bit-identically. */
export interface TrainerState {
  /** Updates applied so far. */
  step: number;
  /** Completed passes over the training split. */
  epoch: number;
  /** Position in the current epoch's example order. */
  cursor: number;
  /** θ in layout order. */
  params: ArrayLike<number>;
  hyper: Hyper;
}

/** Loss and accuracy of the current parameters over one split. */
export interface Evaluation {
  loss: number;
  /** Share of examples classified right; NaN for regression, where only the loss means something. */
  accuracy: number;
}

/**
 * Trains one network by SGD on one dataset. `step()` is the allocation-free hot path; `stepTraced()`
 * runs the same arithmetic and also records everything a student might look at.
 */
export class Trainer {
  readonly layout: Layout;
  readonly net: Network;
  readonly data: Dataset;
  readonly loss: Loss;
  /** Current parameters θ (replaced, not mutated, by the general path's update). */
  theta: Float64Array;
  hyper: Hyper;
  step = 0;
  epoch = 0;
  cursor = 0;
  /** Mean data loss of the last accepted step's batch. */
  lastLoss = NaN;
  /** Step number whose update was rejected as non-finite, or null. */
  divergedAt: number | null = null;
  /** Example order of every epoch (indices into the training split). */
  readonly order: Int32Array;
  private next: Float64Array;
  private readonly grad: Float64Array;
  private readonly seedKernel: SeedKernel | null;
  /** The fused forward and backward passes of a batch, and its per-example values for traces. */
  private readonly pass: BatchPass;

  constructor(
    readonly config: EngineConfig,
    options: { specialise?: boolean } = {},
  ) {
    this.layout = createLayout(config.layers);
    this.net = new Network(this.layout, ACTIVATIONS[config.activation.hidden], ACTIVATIONS[config.activation.output]);
    this.loss = LOSSES[config.loss];
    this.pass = new BatchPass(this.layout, this.net, this.loss);
    this.data = buildDataset(config.dataset, config.features);
    if (this.data.train.n === 0) throw new Error("dataset: the training split is empty");
    this.theta = config.params ? flattenParams(this.layout, config.params) : initParams(this.layout, config.init);
    this.next = new Float64Array(this.layout.count);
    this.grad = new Float64Array(this.layout.count);
    this.hyper = copyHyper(config);
    this.order = new Int32Array(this.data.train.n);
    this.shuffleOrder();
    const canSpecialise = options.specialise !== false && isSeedNetwork(config.layers);
    this.seedKernel = canSpecialise ? createSeedKernel(this.net.hidden, this.net.output, this.loss) : null;
  }

  /** Rebuilds a trainer at a saved state (checkpoint) of the same config. */
  static restore(config: EngineConfig, state: TrainerState): Trainer {
    const t = new Trainer(config);
    t.seek(state);
    return t;
  }

  /** Moves this trainer to a saved state of the same config, without rebuilding the dataset. */
  seek(state: TrainerState): void {
    if (state.params.length !== this.layout.count) throw new Error(`seek: expected ${this.layout.count} params, got ${state.params.length}`);
    if (!(state.cursor >= 0 && state.cursor < this.data.train.n)) throw new Error(`seek: cursor ${state.cursor} outside the training split of ${this.data.train.n}`);
    this.theta.set(state.params);
    this.hyper = copyHyper(state.hyper);
    this.step = state.step;
    this.epoch = state.epoch;
    this.cursor = state.cursor;
    this.divergedAt = null;
  }

  /** A copy of the state, for checkpoints. */
  exportState(): TrainerState {
    return { step: this.step, epoch: this.epoch, cursor: this.cursor, params: this.theta.slice(), hyper: copyHyper(this.hyper) };
  }

  /** Changes hyperparameters from the next step on (a new schedule without `start` starts at this step). */
  setHyper(change: Partial<Hyper>): void {
    const hyper = { ...this.hyper, ...change };
    // a schedule set during a run counts its updates from here
    if (change.lrSchedule !== undefined && change.lrSchedule.start === undefined) hyper.lrSchedule = { ...change.lrSchedule, start: this.step };
    if (!(hyper.learningRate > 0) || !Number.isFinite(hyper.learningRate)) throw new Error(`learningRate: must be a positive finite number, got ${hyper.learningRate}`);
    if (!Number.isInteger(hyper.batchSize) || hyper.batchSize < 1 || hyper.batchSize > this.data.train.n) {
      throw new Error(`batchSize: must be an integer in 1..${this.data.train.n}, got ${hyper.batchSize}`);
    }
    this.hyper = hyper;
    this.divergedAt = null;
  }

  /** Examples in the next step's batch (the last batch of an epoch may be smaller). */
  nextBatchSize(): number {
    return Math.min(this.hyper.batchSize, this.data.train.n - this.cursor);
  }

  /** One SGD step (the hot path: no allocation). Returns false, changing nothing, if it diverged. */
  stepOnce(): boolean {
    if (this.usesSeedKernel()) {
      const loss = this.seedKernel!(this.theta, this.data.train.x, this.data.train.y, this.order[this.cursor], this.rate());
      if (loss !== loss) return this.reject();
      this.lastLoss = loss;
      this.advance(1);
      return true;
    }
    return this.runBatch(null);
  }

  /** Runs up to `count` steps, stopping at divergence; returns how many were applied. */
  run(count: number): number {
    if (!this.usesSeedKernel() || (this.hyper.lrSchedule !== undefined && this.hyper.lrSchedule.kind !== "constant")) {
      for (let k = 0; k < count; k++) if (!this.stepOnce()) return k;
      return count;
    }
    // Same arithmetic as stepOnce, with the bookkeeping kept in locals.
    const kernel = this.seedKernel!;
    const { x, y, n } = this.data.train;
    const lr = this.hyper.learningRate;
    const order = this.order;
    const theta = this.theta;
    let cursor = this.cursor;
    let loss = this.lastLoss;
    let done = 0;
    while (done < count) {
      const l = kernel(theta, x, y, order[cursor], lr);
      if (l !== l) break;
      loss = l;
      done++;
      if (++cursor === n) {
        cursor = 0;
        this.epoch++;
      }
    }
    this.step += done;
    this.cursor = cursor;
    this.lastLoss = loss;
    if (done < count) this.reject();
    else if (done > 0) this.divergedAt = null;
    return done;
  }

  /** The learning rate of the next update (the base rate, or the schedule's rate at this step). */
  rate(): number {
    return scheduledRate(this.hyper.learningRate, this.hyper.lrSchedule, this.step);
  }

  private usesSeedKernel(): boolean {
    return this.seedKernel !== null && this.hyper.batchSize === 1 && this.hyper.regularization.kind === "none";
  }

  /** One step that also returns its full trace (same numbers as `stepOnce`). */
  stepTraced(): StepTrace {
    const before = toArray(this.theta);
    const records: ExampleTrace[] = [];
    const ok = this.runBatch(records);
    return buildTrace(this, before, records, ok);
  }

  /** Mean loss and accuracy of the current parameters over the train or test split. */
  evaluate(which: "train" | "test"): Evaluation {
    const split: Split = this.data[which];
    if (split.n === 0) return { loss: NaN, accuracy: NaN };
    const { inputDim, targetDim } = this.data;
    let lossSum = 0;
    let correct = 0;
    for (let e = 0; e < split.n; e++) {
      const out = this.net.forward(this.theta, split.x, e * inputDim);
      for (let k = 0; k < targetDim; k++) lossSum += this.loss.fn(out[k], split.y[e * targetDim + k]);
      if (isCorrect(out, split.y, e * targetDim)) correct++;
    }
    return { loss: lossSum / split.n, accuracy: this.data.task === "regression" ? NaN : correct / split.n };
  }

  /** Data gradient (mean over the batch) and regularisation term for θ, written by the last general step. */
  get lastGradient(): Float64Array {
    return this.grad;
  }

  private runBatch(records: ExampleTrace[] | null): boolean {
    const { theta, grad, next, pass } = this;
    const { train } = this.data;
    const reg = this.hyper.regularization;
    const lr = this.rate();
    const batch = this.nextBatchSize();
    const lossSum = pass.run(theta, train.x, train.y, this.order, this.cursor, batch, grad);
    if (records) for (let e = 0; e < batch; e++) records.push(recordExample(pass, this.net.nOff, this.order[this.cursor + e], e, train, this.data.inputDim, this.data.targetDim, this.config.features !== undefined));
    const meanLoss = lossSum / batch;
    const isWeight = this.layout.isWeight;
    let check = meanLoss * 0; // x·0 is NaN exactly when x is NaN or ±Infinity
    for (let k = 0; k < theta.length; k++) {
      let g = grad[k] / batch;
      grad[k] = g;
      if (isWeight[k] === 1 && reg.kind !== "none") g += reg.kind === "l2" ? reg.rate * theta[k] : reg.rate * Math.sign(theta[k]);
      const v = theta[k] - lr * g;
      next[k] = v;
      check += v * 0;
    }
    if (check !== 0) {
      if (records) this.lastLoss = meanLoss;
      return this.reject();
    }
    this.next = theta;
    this.theta = next;
    this.lastLoss = meanLoss;
    this.advance(batch);
    return true;
  }

  private reject(): boolean {
    this.divergedAt = this.step + 1;
    return false;
  }

  private advance(batch: number): void {
    this.step++;
    this.cursor += batch;
    this.divergedAt = null;
    if (this.cursor >= this.data.train.n) {
      this.cursor = 0;
      this.epoch++;
    }
  }

  /** The example order: one permutation of the training split drawn from the init seed, fixed for every epoch. */
  private shuffleOrder(): void {
    const order = this.order;
    for (let k = 0; k < order.length; k++) order[k] = k;
    shuffleInPlace(order, new Mulberry32(mixSeed(this.config.init.seed, 0x0de5)));
  }
}

/** A copy of the hyperparameters (nested objects too), without a schedule field when there is none. */
function copyHyper(h: Hyper): Hyper {
  const hyper: Hyper = { learningRate: h.learningRate, batchSize: h.batchSize, regularization: { ...h.regularization } };
  if (h.lrSchedule !== undefined) hyper.lrSchedule = { ...h.lrSchedule };
  return hyper;
}

/** Single output: ŷ ≥ 0.5 predicts class 1. Several outputs: the largest output names the class. */
function isCorrect(out: Float64Array, y: Float64Array, yOff: number): boolean {
  if (out.length === 1) return out[0] >= 0.5 === y[yOff] >= 0.5;
  let best = 0;
  let target = 0;
  for (let k = 1; k < out.length; k++) {
    if (out[k] > out[best]) best = k;
    if (y[yOff + k] > y[yOff + target]) target = k;
  }
  return best === target;
}

/** Copies src[from, to) into a plain array (faster than Array.from for small typed arrays). */
export function toArray(src: ArrayLike<number>, from = 0, to = src.length): number[] {
  const out: number[] = [];
  for (let k = from; k < to; k++) out.push(src[k]);
  return out;
}
