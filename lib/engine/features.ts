/**
 * Input features, as TensorFlow Playground offers them: the network's inputs are functions of each 2-D
 * point (x1, x2). A feature list ["x1", "x2"] is the identity; ["x1^2", "x2^2"] lets a 2-2-1 network
 * draw a circle with straight lines. Features are fixed functions of the data, not parameters, so they
 * have no derivative to backpropagate: they are computed once when the dataset is built.
 */

/** A feature: its value at (x1, x2) and how explanations write it. */
export interface Feature {
  fn(x1: number, x2: number): number;
  /** The feature as printed: x1², sin(x1), … */
  label: string;
}

/** Every feature, by config name, in menu order. */
export const FEATURES = {
  x1: { fn: (x1: number) => x1, label: "x1" },
  x2: { fn: (_x1: number, x2: number) => x2, label: "x2" },
  "x1^2": { fn: (x1: number) => x1 * x1, label: "x1²" },
  "x2^2": { fn: (_x1: number, x2: number) => x2 * x2, label: "x2²" },
  "x1*x2": { fn: (x1: number, x2: number) => x1 * x2, label: "x1·x2" },
  // Math.sin like the spiral and circle generators: data, not training arithmetic
  "sin(x1)": { fn: (x1: number) => Math.sin(x1), label: "sin(x1)" },
  "sin(x2)": { fn: (_x1: number, x2: number) => Math.sin(x2), label: "sin(x2)" },
} as const satisfies Record<string, Feature>;

/** Config name of a feature. */
export type FeatureName = keyof typeof FEATURES;

/** Feature names in menu order. */
export const FEATURE_NAMES = Object.keys(FEATURES) as FeatureName[];

/** The features every dataset of 2-D points uses unless the config chooses others. */
export const DEFAULT_FEATURES: readonly FeatureName[] = ["x1", "x2"];

/** True when the list is exactly x1, x2 (the raw point, so the data is used as it is). */
export function isIdentityFeatures(features: readonly FeatureName[] | undefined): boolean {
  return features === undefined || (features.length === 2 && features[0] === "x1" && features[1] === "x2");
}

/** Writes the features of the point (x1, x2) to out[off …]. */
export function featureVector(features: readonly FeatureName[], x1: number, x2: number, out: Float64Array | number[], off = 0): void {
  for (let k = 0; k < features.length; k++) out[off + k] = FEATURES[features[k]].fn(x1, x2);
}

/** Feature values of n 2-D points stored flat (x[2e], x[2e + 1]): n × features.length values. */
export function applyFeatures(features: readonly FeatureName[], x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * features.length);
  for (let e = 0; e < n; e++) featureVector(features, x[2 * e], x[2 * e + 1], out, e * features.length);
  return out;
}

/** How the explanations name input j: the feature's label, or x{j+1} without features. */
export function inputLabel(features: readonly FeatureName[] | undefined, j: number): string {
  return features ? FEATURES[features[j]].label : `x${j + 1}`;
}
