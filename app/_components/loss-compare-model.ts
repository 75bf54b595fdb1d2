import { ACTIVATIONS, LOSSES, type ActivationName, type ExampleTrace } from "@/lib/engine";

/** One loss's numbers for one example's output. */
export interface LossColumn {
  loss: "mse" | "bce";
  label: string;
  /** ℓ(ŷ, y). */
  value: number;
  /** ∂ℓ/∂ŷ. */
  dLdyhat: number;
  /** δo = ∂ℓ/∂ŷ · f'(zo): what backpropagation sends into the network. */
  delta: number;
  /** This run trains with it. */
  used: boolean;
}

/**
 * The same example's output under squared error and cross-entropy, side by side: with a sigmoid output
 * cross-entropy's δo = ŷ − y does not shrink when σ saturates, while squared error's 2(ŷ − y)·σ'(zo) does.
 * Null when it does not apply (several outputs, or an output outside (0, 1) where cross-entropy is undefined).
 */
export function compareLosses(ex: ExampleTrace, output: ActivationName, used: string): LossColumn[] | null {
  const last = ex.a.length - 1;
  if (ex.a[last].length !== 1 || output !== "sigmoid") return null;
  const yhat = ex.a[last][0];
  const y = ex.y[0];
  const slope = ACTIVATIONS.sigmoid.der(ex.z[last][0], yhat);
  const mse = LOSSES.mse;
  const bce = LOSSES.bce;
  return [
    { loss: "mse", label: "Squared error", value: mse.fn(yhat, y), dLdyhat: mse.der(yhat, y), delta: mse.der(yhat, y) * slope, used: used === "mse" },
    // With a sigmoid output the engine computes δo = ŷ − y directly (σ' cancels the derivative's denominator).
    { loss: "bce", label: "Cross-entropy", value: bce.fn(yhat, y), dLdyhat: bce.der(yhat, y), delta: yhat - y, used: used === "bce" },
  ];
}
