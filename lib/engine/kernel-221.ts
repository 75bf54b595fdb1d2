import type { Activation } from "./activations";
import { usesSimplifiedDelta, type Loss } from "./loss";

/**
 * One per-example SGD step of the seed's 2-2-1 network with no regularisation, unrolled into locals.
 * Returns the example's loss and updates θ in place, or returns NaN and leaves θ untouched when any
 * loss or new parameter is not finite. Every floating-point operation happens in the same order as in
 * `Network.forward`/`backward` and the trainer's update, so the result is bit-identical to the general
 * path (tests/lib/engine/kernel-221.test.ts checks it).
 */
export type SeedKernel = (theta: Float64Array, x: Float64Array, y: Float64Array, e: number, lr: number) => number;

/** Builds the unrolled 2-2-1 step for the given activations and loss. */
export function createSeedKernel(hidden: Activation, output: Activation, loss: Loss): SeedKernel {
  const fh = hidden.fn;
  const dh = hidden.der;
  const fo = output.fn;
  const dO = output.der;
  const lossFn = loss.fn;
  const lossDer = loss.der;
  // binary cross-entropy on a sigmoid output: δo = ŷ − y, exactly as BatchPass computes it
  const simplified = usesSimplifiedDelta(loss, output);
  return (t, x, y, e, lr) => {
    const x1 = x[2 * e];
    const x2 = x[2 * e + 1];
    const target = y[e];
    const w11 = t[0], w12 = t[1], w21 = t[2], w22 = t[3], b1 = t[4], b2 = t[5], wo1 = t[6], wo2 = t[7], bo = t[8];
    // forward: z_i = b_i + w_i1·x1 + w_i2·x2, a_i = f(z_i); z_o = b_o + w_o1·a1 + w_o2·a2, ŷ = f(z_o)
    const z1 = b1 + w11 * x1 + w12 * x2;
    const a1 = fh(z1);
    const z2 = b2 + w21 * x1 + w22 * x2;
    const a2 = fh(z2);
    const zo = bo + wo1 * a1 + wo2 * a2;
    const yhat = fo(zo);
    const exampleLoss = 0 + lossFn(yhat, target);
    // backward: δo = ∂L/∂ŷ · f'(zo); δi = (w_oi · δo) · f'(z_i)
    const deltaO = simplified ? yhat - target : lossDer(yhat, target) * dO(zo, yhat);
    const delta1 = wo1 * deltaO * dh(z1, a1);
    const delta2 = wo2 * deltaO * dh(z2, a2);
    // update: θ ← θ − η·∂L/∂θ (gradients accumulate onto 0 exactly as the general path does)
    const n11 = w11 - lr * (0 + delta1 * x1);
    const n12 = w12 - lr * (0 + delta1 * x2);
    const n21 = w21 - lr * (0 + delta2 * x1);
    const n22 = w22 - lr * (0 + delta2 * x2);
    const nb1 = b1 - lr * (0 + delta1);
    const nb2 = b2 - lr * (0 + delta2);
    const no1 = wo1 - lr * (0 + deltaO * a1);
    const no2 = wo2 - lr * (0 + deltaO * a2);
    const nbo = bo - lr * (0 + deltaO);
    // x·0 is 0 for finite x and NaN for NaN/±Infinity, so one sum tests all ten values
    const check = exampleLoss * 0 + n11 * 0 + n12 * 0 + n21 * 0 + n22 * 0 + nb1 * 0 + nb2 * 0 + no1 * 0 + no2 * 0 + nbo * 0;
    if (check !== 0) return NaN;
    t[0] = n11; t[1] = n12; t[2] = n21; t[3] = n22; t[4] = nb1; t[5] = nb2; t[6] = no1; t[7] = no2; t[8] = nbo;
    return exampleLoss;
  };
}
