import { ACTIVATIONS, type Activation } from "./activations";

/** Activation kinds as small integers, so the hot loops branch instead of calling through closures. */
const KIND = new Map<Activation, number>([
  [ACTIVATIONS.sigmoid, 0],
  [ACTIVATIONS.tanh, 1],
  [ACTIVATIONS.relu, 2],
  [ACTIVATIONS["leaky-relu"], 3],
  [ACTIVATIONS.linear, 4],
]);

/** f(z) by kind; the same arithmetic as the ACTIVATIONS entries (tests check the paths agree bit for bit). */
function activate(kind: number, z: number, f: Activation): number {
  switch (kind) {
    case 0:
      return 1 / (1 + Math.exp(-z));
    case 1:
      return Math.tanh(z);
    default:
      return f.fn(z);
  }
}

/** f'(z) by kind, from z and a = f(z). */
function slope(kind: number, z: number, a: number, f: Activation): number {
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
import type { Loss } from "./loss";

/**
 * A fully connected network's forward and backward passes over preallocated buffers. It holds no
 * parameters: θ is passed in, so the browser can draw with broadcast parameters and the trainer can
 * train with its own. Neuron values of all layers share one flat buffer each (`aFlat`, `zFlat`,
 * `deltaFlat`, layer l starting at `nOff[l]`); `a`, `z`, `delta` are per-layer views of them.
 */
export class Network {
  /** a[l][i]: activation of neuron i in layer l (a[0] is the input x). */
  readonly a: Float64Array[];
  /** z[l][i]: pre-activation of neuron i in layer l (z[0] unused). */
  readonly z: Float64Array[];
  /** delta[l][i] = ∂L/∂z[l][i] for the last example passed backward. */
  readonly delta: Float64Array[];
  /** ∂L/∂ŷ_k for the last example passed backward. */
  readonly dLdyhat: Float64Array;
  /** All layers' activations, layer l from nOff[l] (the flat buffer behind `a`). */
  readonly aFlat: Float64Array;
  private readonly zFlat: Float64Array;
  /** All layers' deltas, layer l from nOff[l] (the flat buffer behind `delta`). */
  readonly deltaFlat: Float64Array;
  private readonly sizes: Int32Array;
  /** Offset of layer l in the flat neuron buffers; nOff[L+1] is the total neuron count. */
  readonly nOff: Int32Array;
  private readonly wOff: Int32Array;
  private readonly bOff: Int32Array;
  private readonly hiddenKind: number;
  private readonly outputKind: number;

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
    this.deltaFlat = new Float64Array(total);
    const views = (flat: Float64Array) => layout.sizes.map((n, l) => flat.subarray(this.nOff[l], this.nOff[l] + n));
    this.a = views(this.aFlat);
    this.z = views(this.zFlat);
    this.delta = views(this.deltaFlat);
    this.dLdyhat = new Float64Array(layout.sizes[layout.sizes.length - 1]);
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
    }
    return this.a[last];
  }

  /**
   * Backward pass for the example just passed forward, with target y[yOff …]: fills delta and dLdyhat,
   * ADDS this example's gradient into `grad` (θ layout), and returns this example's loss Σ_k ℓ(ŷ_k, y_k).
   */
  backward(theta: Float64Array, y: ArrayLike<number>, yOff: number, loss: Loss, grad: Float64Array): number {
    const exampleLoss = this.backpropagate(theta, y, yOff, loss);
    const { sizes, nOff, wOff, bOff, aFlat: a, deltaFlat: delta } = this;
    for (let l = sizes.length - 2; l >= 0; l--) {
      const nIn = sizes[l];
      for (let i = 0; i < sizes[l + 1]; i++) {
        // ∂L/∂w_ij = δ_i · a_j ;  ∂L/∂b_i = δ_i
        const d = delta[nOff[l + 1] + i];
        const row = wOff[l] + i * nIn;
        for (let j = 0; j < nIn; j++) grad[row + j] += d * a[nOff[l] + j];
        grad[bOff[l] + i] += d;
      }
    }
    return exampleLoss;
  }

  /** The backward pass without a gradient: fills delta and dLdyhat; returns the example's loss. */
  backpropagate(theta: Float64Array, y: ArrayLike<number>, yOff: number, loss: Loss): number {
    const { sizes, nOff, wOff, aFlat: a, zFlat: z, deltaFlat: delta } = this;
    const last = sizes.length - 1;
    const outOff = nOff[last];
    let exampleLoss = 0;
    for (let k = 0; k < sizes[last]; k++) {
      const yhat = a[outOff + k];
      const target = y[yOff + k];
      exampleLoss += loss.fn(yhat, target);
      // δ_o = ∂L/∂ŷ · f'(z_o)
      const dLdyhat = loss.der(yhat, target);
      this.dLdyhat[k] = dLdyhat;
      delta[outOff + k] = dLdyhat * slope(this.outputKind, z[outOff + k], yhat, this.output);
    }
    for (let l = last - 1; l >= 0; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const inOff = nOff[l];
      const dOff = nOff[l + 1];
      const w = wOff[l];
      if (l === 0) break;
      for (let j = 0; j < nIn; j++) {
        // δ_j = (Σ_i w_ij δ_i) · f'(z_j): the error flows back along each outgoing weight
        let s = theta[w + j] * delta[dOff];
        for (let i = 1; i < nOut; i++) s += theta[w + i * nIn + j] * delta[dOff + i];
        delta[inOff + j] = s * slope(this.hiddenKind, z[inOff + j], a[inOff + j], this.hidden);
      }
    }
    return exampleLoss;
  }
}

/**
 * The batch's summed gradient from each example's activations and deltas (example e's flat neuron
 * buffers at e·width in `as` and `ds`): ∂L/∂w_ij = Σ_e δ_i·a_j, ∂L/∂b_i = Σ_e δ_i. Each sum starts at
 * 0 and adds the examples in order — exactly the additions of accumulating example by example, but
 * in a register instead of read-modify-writes of `grad`.
 */
export function sumGradient(layout: Layout, nOff: Int32Array, as: Float64Array, ds: Float64Array, batch: number, grad: Float64Array): void {
  const { sizes, wOff, bOff } = layout;
  const width = nOff[sizes.length];
  for (let l = 0; l < sizes.length - 1; l++) {
    const nIn = sizes[l];
    const inOff = nOff[l];
    const outOff = nOff[l + 1];
    for (let i = 0; i < sizes[l + 1]; i++) {
      const row = wOff[l] + i * nIn;
      for (let j = 0; j < nIn; j++) {
        let s = 0;
        for (let e = 0, o = 0; e < batch; e++, o += width) s += ds[o + outOff + i] * as[o + inOff + j];
        grad[row + j] = s;
      }
      let s = 0;
      for (let e = 0, o = 0; e < batch; e++, o += width) s += ds[o + outOff + i];
      grad[bOff[l] + i] = s;
    }
  }
}
