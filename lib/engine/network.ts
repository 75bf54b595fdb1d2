import type { Activation } from "./activations";
import type { Layout } from "./layout";
import type { Loss } from "./loss";

/**
 * A fully connected network's forward and backward passes over preallocated buffers. It holds no
 * parameters: θ is passed in, so the browser can draw with broadcast parameters and the trainer can
 * train with its own.
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

  constructor(
    readonly layout: Layout,
    readonly hidden: Activation,
    readonly output: Activation,
  ) {
    const sizes = layout.sizes;
    this.a = sizes.map((n) => new Float64Array(n));
    this.z = sizes.map((n) => new Float64Array(n));
    this.delta = sizes.map((n) => new Float64Array(n));
    this.dLdyhat = new Float64Array(sizes[sizes.length - 1]);
  }

  /** Forward pass of the input at x[xOff …] with parameters θ; returns the output layer's activations. */
  forward(theta: Float64Array, x: ArrayLike<number>, xOff: number): Float64Array {
    const { sizes, wOff, bOff } = this.layout;
    const last = sizes.length - 1;
    const input = this.a[0];
    for (let j = 0; j < sizes[0]; j++) input[j] = x[xOff + j];
    for (let l = 0; l < last; l++) {
      const f = l === last - 1 ? this.output : this.hidden;
      const nIn = sizes[l];
      const aIn = this.a[l];
      const zOut = this.z[l + 1];
      const aOut = this.a[l + 1];
      for (let i = 0; i < sizes[l + 1]; i++) {
        // z_i = b_i + Σ_j w_ij a_j, summed in j order (the order is part of bit-exactness)
        let s = theta[bOff[l] + i];
        const row = wOff[l] + i * nIn;
        for (let j = 0; j < nIn; j++) s += theta[row + j] * aIn[j];
        zOut[i] = s;
        aOut[i] = f.fn(s);
      }
    }
    return this.a[last];
  }

  /**
   * Backward pass for the example just passed forward, with target y[yOff …]: fills delta and dLdyhat,
   * ADDS this example's gradient into `grad` (θ layout), and returns this example's loss Σ_k ℓ(ŷ_k, y_k).
   */
  backward(theta: Float64Array, y: ArrayLike<number>, yOff: number, loss: Loss, grad: Float64Array): number {
    const { sizes, wOff, bOff } = this.layout;
    const last = sizes.length - 1;
    const yhat = this.a[last];
    const zOut = this.z[last];
    const dOut = this.delta[last];
    let exampleLoss = 0;
    for (let k = 0; k < sizes[last]; k++) {
      exampleLoss += loss.fn(yhat[k], y[yOff + k]);
      // δ_o = ∂L/∂ŷ · f'(z_o)
      this.dLdyhat[k] = loss.der(yhat[k], y[yOff + k]);
      dOut[k] = this.dLdyhat[k] * this.output.der(zOut[k], yhat[k]);
    }
    for (let l = last - 1; l >= 0; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const aIn = this.a[l];
      const d = this.delta[l + 1];
      for (let i = 0; i < nOut; i++) {
        // ∂L/∂w_ij = δ_i · a_j ;  ∂L/∂b_i = δ_i
        const row = wOff[l] + i * nIn;
        for (let j = 0; j < nIn; j++) grad[row + j] += d[i] * aIn[j];
        grad[bOff[l] + i] += d[i];
      }
      if (l === 0) break;
      const dIn = this.delta[l];
      const zIn = this.z[l];
      for (let j = 0; j < nIn; j++) {
        // δ_j = (Σ_i w_ij δ_i) · f'(z_j): the error flows back along each outgoing weight
        let s = theta[wOff[l] + j] * d[0];
        for (let i = 1; i < nOut; i++) s += theta[wOff[l] + i * nIn + j] * d[i];
        dIn[j] = s * this.hidden.der(zIn[j], aIn[j]);
      }
    }
    return exampleLoss;
  }
}
