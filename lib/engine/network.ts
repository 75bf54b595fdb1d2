import { ACTIVATIONS, softmaxInPlace, type Activation } from "./activations";

/** Kind of the softmax, which is applied to a whole layer after its z are known. */
export const SOFTMAX_KIND = 5;

/** Activation kinds as small integers, so the hot loops branch instead of calling through closures. */
export const KIND = new Map<Activation, number>([
  [ACTIVATIONS.sigmoid, 0],
  [ACTIVATIONS.tanh, 1],
  [ACTIVATIONS.relu, 2],
  [ACTIVATIONS["leaky-relu"], 3],
  [ACTIVATIONS.linear, 4],
  [ACTIVATIONS.softmax, SOFTMAX_KIND],
]);

// The ACTIVATIONS closures themselves (one definition of each function), held in constants so the call
// sites stay monomorphic and inline.
const sigmoidFn = ACTIVATIONS.sigmoid.fn;
const tanhFn = ACTIVATIONS.tanh.fn;

/** f(z) by kind; the same arithmetic as the ACTIVATIONS entries (tests check the paths agree bit for bit). */
export function activate(kind: number, z: number, f: Activation): number {
  switch (kind) {
    case 0:
      return sigmoidFn(z);
    case 1:
      return tanhFn(z);
    default:
      return f.fn(z);
  }
}

/** f'(z) by kind, from z and a = f(z). */
export function slope(kind: number, z: number, a: number, f: Activation): number {
  switch (kind) {
    case 0:
      return a * (1 - a);
    case 1:
      return 1 - a * a;
    default:
      return f.der(z, a);
  }
}
import type { Layout } from "./layout";

/**
 * A fully connected network's forward pass over preallocated buffers (training runs whole batches
 * forward and backward in `BatchPass`, with the same arithmetic). It holds no parameters: θ is passed
 * in, so the browser can draw with broadcast parameters and the trainer can evaluate with its own.
 * Neuron values of all layers share one flat buffer each (`aFlat`, `zFlat`, layer l starting at
 * `nOff[l]`); `a` and `z` are per-layer views of them.
 */
export class Network {
  /** a[l][i]: activation of neuron i in layer l (a[0] is the input x). */
  readonly a: Float64Array[];
  /** z[l][i]: pre-activation of neuron i in layer l (z[0] unused). */
  readonly z: Float64Array[];
  /** All layers' activations, layer l from nOff[l] (the flat buffer behind `a`). */
  readonly aFlat: Float64Array;
  private readonly zFlat: Float64Array;
  private readonly sizes: Int32Array;
  /** Offset of layer l in the flat neuron buffers; nOff[L+1] is the total neuron count. */
  readonly nOff: Int32Array;
  private readonly wOff: Int32Array;
  private readonly bOff: Int32Array;
  /** Activation kinds (`KIND`) of the hidden and output layers; −1 for an activation not in the table. */
  readonly hiddenKind: number;
  readonly outputKind: number;

  constructor(
    readonly layout: Layout,
    readonly hidden: Activation,
    readonly output: Activation,
  ) {
    this.sizes = Int32Array.from(layout.sizes);
    this.nOff = new Int32Array(layout.sizes.length + 1);
    layout.sizes.forEach((n, l) => (this.nOff[l + 1] = this.nOff[l] + n));
    const total = this.nOff[layout.sizes.length];
    this.aFlat = new Float64Array(total);
    this.zFlat = new Float64Array(total);
    const views = (flat: Float64Array) => layout.sizes.map((n, l) => flat.subarray(this.nOff[l], this.nOff[l] + n));
    this.a = views(this.aFlat);
    this.z = views(this.zFlat);
    this.wOff = layout.wOff;
    this.bOff = layout.bOff;
    this.hiddenKind = KIND.get(hidden) ?? -1;
    this.outputKind = KIND.get(output) ?? -1;
  }

  /** Forward pass of the input at x[xOff …] with parameters θ; returns the output layer's activations. */
  forward(theta: Float64Array, x: ArrayLike<number>, xOff: number): Float64Array {
    const { sizes, nOff, wOff, bOff, aFlat: a, zFlat: z } = this;
    const last = sizes.length - 1;
    for (let j = 0; j < sizes[0]; j++) a[j] = x[xOff + j];
    for (let l = 0; l < last; l++) {
      const f = l === last - 1 ? this.output : this.hidden;
      const kind = l === last - 1 ? this.outputKind : this.hiddenKind;
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const inOff = nOff[l];
      const outOff = nOff[l + 1];
      for (let i = 0; i < nOut; i++) {
        // z_i = b_i + Σ_j w_ij a_j, summed in j order (the order is part of bit-exactness)
        let s = theta[bOff[l] + i];
        const row = wOff[l] + i * nIn;
        for (let j = 0; j < nIn; j++) s += theta[row + j] * a[inOff + j];
        z[outOff + i] = s;
        a[outOff + i] = activate(kind, s, f);
      }
      if (kind === SOFTMAX_KIND) softmaxInPlace(z, a, outOff, 1, nOut);
    }
    return this.a[last];
  }
}
