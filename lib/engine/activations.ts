import { exp, NATIVE_MATCHES_PORTS, tanh } from "./det-math";

/**
 * Activation functions. Transcendentals come from `det-math` (portable, same bits in every browser),
 * never from Math.exp/Math.tanh. Each is a pair: `fn` is the forward map a = f(z); `der` is f'(z), given both z
 * and a = f(z) so that sigmoid and tanh can use the cheaper form written in terms of their output.
 */
export interface Activation {
  /** a = f(z). */
  fn(z: number): number;
  /** da/dz at z, where a = f(z). */
  der(z: number, a: number): number;
  /** The formula as printed in explanations. */
  formula: string;
  /** The derivative as printed in explanations, in terms of z and a. */
  derFormula: string;
}

// Math.exp/Math.tanh only where they equal the ports bit for bit (V8); written out rather than called
// through a variable so the hot loops inline them.

/** Slope of leaky ReLU for z ≤ 0. */
export const LEAKY_RELU_SLOPE = 0.01;

/** Every activation the engine knows, by config name. */
export const ACTIVATIONS = {
  sigmoid: {
    fn: NATIVE_MATCHES_PORTS ? (z: number) => 1 / (1 + Math.exp(-z)) : (z: number) => 1 / (1 + exp(-z)),
    // σ'(z) = σ(z)(1 − σ(z))
    der: (_z: number, a: number) => a * (1 - a),
    formula: "σ(z) = 1 / (1 + e^(−z))",
    derFormula: "σ'(z) = a·(1 − a)",
  },
  tanh: {
    fn: NATIVE_MATCHES_PORTS ? (z: number) => Math.tanh(z) : (z: number) => tanh(z),
    // tanh'(z) = 1 − tanh²(z)
    der: (_z: number, a: number) => 1 - a * a,
    formula: "tanh(z)",
    derFormula: "tanh'(z) = 1 − a²",
  },
  relu: {
    fn: (z: number) => (z > 0 ? z : 0),
    // Subgradient 0 at z = 0, as in every mainstream framework.
    der: (z: number) => (z > 0 ? 1 : 0),
    formula: "ReLU(z) = max(0, z)",
    derFormula: "ReLU'(z) = 1 if z > 0, else 0",
  },
  "leaky-relu": {
    fn: (z: number) => (z > 0 ? z : LEAKY_RELU_SLOPE * z),
    der: (z: number) => (z > 0 ? 1 : LEAKY_RELU_SLOPE),
    formula: "LeakyReLU(z) = z if z > 0, else 0.01·z",
    derFormula: "LeakyReLU'(z) = 1 if z > 0, else 0.01",
  },
  linear: {
    fn: (z: number) => z,
    der: () => 1,
    formula: "f(z) = z",
    derFormula: "f'(z) = 1",
  },
  /**
   * Softmax, output layer only: ŷ_k = e^(z_k − m) / Σ_j e^(z_j − m) with m = max_j z_j (the shift
   * changes nothing mathematically and keeps every exponential in (0, 1], so nothing overflows and the
   * sum is ≥ 1: no 0/0). It is not element-wise, so `Network` and `BatchPass` apply it to the whole
   * layer with `softmaxInPlace`; `fn` is the unnormalised numerator e^z and `der` the Jacobian's
   * diagonal ∂ŷ_k/∂z_k = ŷ_k(1 − ŷ_k). The schema pairs softmax with cross-entropy only, where the
   * trainer uses δ_k = ∂L/∂z_k = ŷ_k − y_k directly (see `softmaxCrossEntropyDelta`).
   */
  softmax: {
    fn: NATIVE_MATCHES_PORTS ? (z: number) => Math.exp(z) : (z: number) => exp(z),
    der: (_z: number, a: number) => a * (1 - a),
    formula: "softmax(z)_k = e^(z_k) / Σ_j e^(z_j)",
    derFormula: "∂ŷ_k/∂z_j = ŷ_k·([k = j] − ŷ_j)",
  },
} as const satisfies Record<string, Activation>;

/**
 * Softmax of the n values at z[off], z[off + stride], …, written to a at the same places:
 * max-subtracted exponentials, then one division each (a_k = e_k / s with s ≥ 1).
 */
export function softmaxInPlace(z: Float64Array, a: Float64Array, off: number, stride: number, n: number): void {
  const expOf = ACTIVATIONS.softmax.fn;
  let m = z[off];
  for (let k = 1, p = off + stride; k < n; k++, p += stride) if (z[p] > m) m = z[p];
  let s = 0;
  for (let k = 0, p = off; k < n; k++, p += stride) {
    const e = expOf(z[p] - m);
    a[p] = e;
    s += e;
  }
  for (let k = 0, p = off; k < n; k++, p += stride) a[p] = a[p] / s;
}

/** Config name of an activation. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** Activation names in display order (softmax last: output layer only). */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];

/** Activations a hidden layer may use: every element-wise one (softmax only normalises an output layer). */
export const HIDDEN_ACTIVATION_NAMES = ACTIVATION_NAMES.filter((n) => n !== "softmax");
