import { ACTIVATIONS, type Activation } from "./activations";

/**
 * Per-output loss terms. The loss of one example is Σ_k fn(ŷ_k, y_k); `der` is ∂L/∂ŷ_k. A batch's loss
 * and gradient are the mean over its examples (the trainer divides).
 */
export interface Loss {
  /** Contribution of one output: ℓ(ŷ, y). */
  fn(yhat: number, y: number): number;
  /** ∂ℓ/∂ŷ. */
  der(yhat: number, y: number): number;
  /** The formula as printed in explanations. */
  formula: string;
  /** The derivative as printed in explanations. */
  derFormula: string;
}

/** Every loss the engine knows, by name. */
export const LOSSES = {
  mse: {
    fn: (yhat: number, y: number) => (y - yhat) * (y - yhat),
    // d/dŷ (y − ŷ)² = −2(y − ŷ) = 2(ŷ − y). The seed document writes 2(y − ŷ): wrong sign.
    der: (yhat: number, y: number) => 2 * (yhat - y),
    formula: "L = (y − ŷ)²",
    derFormula: "∂L/∂ŷ = 2(ŷ − y)",
  },
  /**
   * The seed document's slip, kept only to demonstrate it: same loss, derivative 2(y − ŷ). Descending
   * along this "gradient" is gradient ASCENT on the true loss, so the loss climbs.
   */
  "mse-seed-sign": {
    fn: (yhat: number, y: number) => (y - yhat) * (y - yhat),
    der: (yhat: number, y: number) => 2 * (y - yhat),
    formula: "L = (y − ŷ)²",
    derFormula: "∂L/∂ŷ = 2(y − ŷ)   (the seed's sign slip: this climbs the loss)",
  },
  /**
   * Binary cross-entropy, for outputs in (0, 1) read as probabilities (the schema requires a sigmoid
   * output and targets in [0, 1]). ŷ is clamped to [ε, 1 − ε] (ε = BCE_EPSILON) in both the value and
   * the derivative: a sigmoid saturates to exactly 0 or 1 in floating point (σ(z) = 1 for z > 37), and
   * ln 0 = −∞, 0·ln 0 = NaN would otherwise end training silently. With the clamp a confidently wrong
   * output costs at most −ln ε ≈ 27.6 per output. The trainer never uses this derivative for the output
   * delta of a sigmoid layer: there δ = ∂L/∂ŷ · σ'(z) = ŷ − y exactly (see BatchPass), unclamped.
   */
  bce: {
    fn: (yhat: number, y: number) => {
      const p = clampProbability(yhat);
      return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
    },
    der: (yhat: number, y: number) => {
      const p = clampProbability(yhat);
      return (p - y) / (p * (1 - p));
    },
    formula: "L = −[y·ln ŷ + (1 − y)·ln(1 − ŷ)]",
    derFormula: "∂L/∂ŷ = (ŷ − y) / (ŷ·(1 − ŷ))",
  },
  /**
   * Categorical cross-entropy over a softmax output with one-hot targets: L = −Σ_k y_k ln ŷ_k. A term
   * with y_k = 0 is exactly 0 (never 0·ln 0 = NaN), and ŷ is clamped to [ε, 1] as in bce, so a
   * confidently wrong output costs at most −ln ε. The trainer never multiplies `der` by the softmax's
   * Jacobian: with Σ_k y_k = 1 the chain rule collapses to δ_k = ∂L/∂z_k = ŷ_k − y_k, computed directly.
   */
  ce: {
    fn: (yhat: number, y: number) => (y === 0 ? 0 : -y * Math.log(yhat < BCE_EPSILON ? BCE_EPSILON : yhat)),
    der: (yhat: number, y: number) => (y === 0 ? 0 : -y / (yhat < BCE_EPSILON ? BCE_EPSILON : yhat)),
    formula: "L = −Σ_k y_k·ln ŷ_k",
    derFormula: "∂L/∂ŷ_k = −y_k / ŷ_k",
  },
} as const satisfies Record<string, Loss>;

/** Name of a loss. */
export type LossName = keyof typeof LOSSES;

/** Loss names a config may choose (the seed's sign slip is kept for demonstrations only). */
export const CONFIG_LOSS_NAMES = ["mse", "bce", "ce"] as const satisfies readonly LossName[];

/** How far from 0 and 1 binary cross-entropy clamps ŷ (ln ε ≈ −27.6). */
export const BCE_EPSILON = 1e-12;

/** ŷ clamped to [ε, 1 − ε]; NaN stays NaN so divergence is still caught. */
function clampProbability(yhat: number): number {
  return yhat < BCE_EPSILON ? BCE_EPSILON : yhat > 1 - BCE_EPSILON ? 1 - BCE_EPSILON : yhat;
}

/**
 * The output delta of binary cross-entropy with a sigmoid output, as printed in explanations: the
 * σ'(z) = ŷ(1 − ŷ) of the chain rule cancels the derivative's denominator.
 */
export const BCE_SIGMOID_DELTA_FORMULA = "δ = ∂L/∂ŷ · σ'(z) = (ŷ − y) / (ŷ·(1 − ŷ)) · ŷ·(1 − ŷ) = ŷ − y";

/** The output delta of cross-entropy with a softmax output, as printed in explanations. */
export const CE_SOFTMAX_DELTA_FORMULA = "δ_k = ∂L/∂z_k = Σ_j (−y_j/ŷ_j)·ŷ_j([j = k] − ŷ_k) = ŷ_k·Σ_j y_j − y_k = ŷ_k − y_k";

/**
 * True when the output delta is computed as ŷ − y: binary cross-entropy on a sigmoid output, or
 * cross-entropy on a softmax output (one-hot targets, Σ_k y_k = 1).
 */
export function usesSimplifiedDelta(loss: Loss, output: Activation): boolean {
  return (loss === LOSSES.bce && output === ACTIVATIONS.sigmoid) || (loss === LOSSES.ce && output === ACTIVATIONS.softmax);
}
