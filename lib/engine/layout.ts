import type { InitSpec, NestedParams } from "./types";
import { Mulberry32 } from "./random";

/**
 * Where each parameter lives in the flat parameter vector θ. Layer by layer: the weight matrix
 * row-major (row i = neuron i of the next layer), then that layer's biases. For the seed's 2-2-1 this is
 * exactly the seed's order: w11 w12 w21 w22 b1 b2 wo1 wo2 bo.
 */
export interface Layout {
  sizes: readonly number[];
  /** Offset of weights[l][0][0] in θ. */
  wOff: Int32Array;
  /** Offset of biases[l][0] in θ. */
  bOff: Int32Array;
  /** 1 where θ[k] is a weight, 0 where it is a bias. */
  isWeight: Uint8Array;
  /** Total number of parameters. */
  count: number;
}

/** Builds the layout for layer sizes such as [2, 2, 1]. */
export function createLayout(sizes: readonly number[]): Layout {
  const links = sizes.length - 1;
  const wOff = new Int32Array(links);
  const bOff = new Int32Array(links);
  let k = 0;
  for (let l = 0; l < links; l++) {
    wOff[l] = k;
    k += sizes[l + 1] * sizes[l];
    bOff[l] = k;
    k += sizes[l + 1];
  }
  const isWeight = new Uint8Array(k);
  for (let l = 0; l < links; l++) isWeight.fill(1, wOff[l], bOff[l]);
  return { sizes: [...sizes], wOff, bOff, isWeight, count: k };
}

/** Draws initial parameters: weights from the scheme, biases 0. */
export function initParams(layout: Layout, init: InitSpec): Float64Array {
  const theta = new Float64Array(layout.count);
  const rand = new Mulberry32(init.seed);
  const { sizes, wOff, bOff } = layout;
  for (let l = 0; l < sizes.length - 1; l++) {
    const fanIn = sizes[l];
    const fanOut = sizes[l + 1];
    // Glorot/Xavier uniform: Var(w) = 2/(fanIn+fanOut). He uniform: Var(w) = 2/fanIn.
    const r =
      init.scheme === "xavier"
        ? Math.sqrt(6 / (fanIn + fanOut))
        : init.scheme === "he"
          ? Math.sqrt(6 / fanIn)
          : init.range;
    for (let k = wOff[l]; k < bOff[l]; k++) theta[k] = rand.uniform(-r, r);
  }
  return theta;
}

/** Flattens nested parameters into θ; throws if the shapes do not match the layout. */
export function flattenParams(layout: Layout, params: NestedParams): Float64Array {
  const { sizes, wOff, bOff } = layout;
  const theta = new Float64Array(layout.count);
  if (params.weights.length !== sizes.length - 1 || params.biases.length !== sizes.length - 1) {
    throw new Error(`params: expected ${sizes.length - 1} layers of weights and biases`);
  }
  for (let l = 0; l < sizes.length - 1; l++) {
    const rows = params.weights[l];
    if (rows.length !== sizes[l + 1]) throw new Error(`params.weights[${l}]: expected ${sizes[l + 1]} rows, got ${rows.length}`);
    for (let i = 0; i < rows.length; i++) {
      if (rows[i].length !== sizes[l]) throw new Error(`params.weights[${l}][${i}]: expected ${sizes[l]} values, got ${rows[i].length}`);
      for (let j = 0; j < sizes[l]; j++) theta[wOff[l] + i * sizes[l] + j] = rows[i][j];
    }
    const b = params.biases[l];
    if (b.length !== sizes[l + 1]) throw new Error(`params.biases[${l}]: expected ${sizes[l + 1]} values, got ${b.length}`);
    for (let i = 0; i < b.length; i++) theta[bOff[l] + i] = b[i];
  }
  return theta;
}

/** Unflattens θ into nested weights[l][i][j] and biases[l][i]. */
export function nestParams(layout: Layout, theta: ArrayLike<number>): NestedParams {
  const { sizes, wOff, bOff } = layout;
  const weights: number[][][] = [];
  const biases: number[][] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const rows: number[][] = [];
    for (let i = 0; i < sizes[l + 1]; i++) {
      const row: number[] = [];
      for (let j = 0; j < sizes[l]; j++) row.push(theta[wOff[l] + i * sizes[l] + j]);
      rows.push(row);
    }
    weights.push(rows);
    const b: number[] = [];
    for (let i = 0; i < sizes[l + 1]; i++) b.push(theta[bOff[l] + i]);
    biases.push(b);
  }
  return { weights, biases };
}
