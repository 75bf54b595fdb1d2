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
} as const satisfies Record<string, Activation>;

/** Config name of an activation. */
export type ActivationName = keyof typeof ACTIVATIONS;

/** Activation names in display order. */
export const ACTIVATION_NAMES = Object.keys(ACTIVATIONS) as ActivationName[];
