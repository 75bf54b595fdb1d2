import type { Layout } from "./layout";

/** What one entry of θ is, and what the teaching notation calls it. */
export interface ParamInfo {
  /** Index in the flat parameter vector θ. */
  index: number;
  kind: "weight" | "bias";
  /** Link index l: the parameter feeds layer l+1. */
  layer: number;
  /** Receiving neuron i in layer l+1. */
  to: number;
  /** Sending neuron j in layer l (weights only; −1 for biases). */
  from: number;
  /** Seed names for 2-2-1 (w11 … bo); otherwise w{l}[i,j] and b{l}[i], 1-based. */
  name: string;
}

/** True when the layer sizes are the seed document's network. */
export function isSeedNetwork(sizes: readonly number[]): boolean {
  return sizes.length === 3 && sizes[0] === 2 && sizes[1] === 2 && sizes[2] === 1;
}

/** The seed's parameter names in θ order. */
export const SEED_PARAM_NAMES = ["w11", "w12", "w21", "w22", "b1", "b2", "wo1", "wo2", "bo"] as const;

/** Describes every parameter of the layout, in θ order. */
export function describeParams(layout: Layout): ParamInfo[] {
  const { sizes, wOff, bOff } = layout;
  const seed = isSeedNetwork(sizes);
  const out: ParamInfo[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    for (let i = 0; i < sizes[l + 1]; i++) {
      for (let j = 0; j < sizes[l]; j++) {
        const index = wOff[l] + i * sizes[l] + j;
        out.push({ index, kind: "weight", layer: l, to: i, from: j, name: seed ? SEED_PARAM_NAMES[index] : `w${l + 1}[${i + 1},${j + 1}]` });
      }
    }
    for (let i = 0; i < sizes[l + 1]; i++) {
      const index = bOff[l] + i;
      out.push({ index, kind: "bias", layer: l, to: i, from: -1, name: seed ? SEED_PARAM_NAMES[index] : `b${l + 1}[${i + 1}]` });
    }
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Name of neuron i of layer l as the explanations print it (x1, a1, ŷ for the seed network). */
export function neuronName(sizes: readonly number[], l: number, i: number): string {
  const last = sizes.length - 1;
  if (l === 0) return `x${i + 1}`;
  if (l === last) return sizes[last] === 1 ? "ŷ" : `ŷ${i + 1}`;
  return sizes.length === 3 ? `a${i + 1}` : `a${l}[${i + 1}]`;
}

/** Name of the pre-activation of neuron i of layer l (z1, zo for the seed network). */
export function preActivationName(sizes: readonly number[], l: number, i: number): string {
  const last = sizes.length - 1;
  if (l === last) return sizes[last] === 1 ? "zo" : `zo${i + 1}`;
  return sizes.length === 3 ? `z${i + 1}` : `z${l}[${i + 1}]`;
}
