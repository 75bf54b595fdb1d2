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
} as const satisfies Record<string, Loss>;

/** Name of a loss. */
export type LossName = keyof typeof LOSSES;
