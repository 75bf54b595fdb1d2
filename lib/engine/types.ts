import type { ActivationName } from "./activations";
import type { FeatureName } from "./features";
import type { LrSchedule } from "./schedule";
import type { LossName } from "./loss";

/** Regularisation of weights (never biases). */
export interface Regularization {
  kind: "none" | "l1" | "l2";
  /** λ: L2 adds λ·w to ∂L/∂w (penalty ½λw²); L1 adds λ·sign(w) (penalty λ|w|). */
  rate: number;
}

/** Nested parameters: weights[l][i][j] feeds neuron i of layer l+1 from neuron j of layer l. */
export interface NestedParams {
  weights: number[][][];
  biases: number[][];
}

/** One labelled example. */
export interface Point {
  x: number[];
  y: number[];
}

/** Names of the built-in datasets. */
export type DatasetName = "xor" | "and" | "or" | "nand" | "circle" | "xor-cloud" | "gaussian" | "spiral" | "plane" | "multi-gaussian";

/** A dataset: a named, seeded generator or explicit points. */
export type DatasetSpec =
  | { name: DatasetName; seed: number; size?: number; noise: number; testRatio?: number; classes?: number }
  | { points: Point[]; seed: number; testRatio?: number };

/** Weight initialisation. */
export interface InitSpec {
  scheme: "xavier" | "he" | "uniform";
  seed: number;
  /** r for `uniform(−r, r)`. */
  range: number;
}

/** Hyperparameters that may change while a session runs (take effect from the next step). */
export interface Hyper {
  /** Base rate η (the rate of every update without a schedule). */
  learningRate: number;
  /** How the rate changes with the number of updates applied; absent means constant. */
  lrSchedule?: LrSchedule;
  batchSize: number;
  regularization: Regularization;
}

/** A fully resolved, validated engine configuration (the output of `lib/schemas.ts`). */
export interface EngineConfig extends Hyper {
  layers: number[];
  /** Input features of each 2-D point; absent means the data's own inputs (x1, x2 for every built-in set). */
  features?: FeatureName[];
  activation: { hidden: ActivationName; output: ActivationName };
  loss: LossName;
  init: InitSpec;
  params?: NestedParams;
  dataset: DatasetSpec;
}
