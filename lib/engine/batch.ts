import type { Layout } from "./layout";
import type { Network } from "./network";
import { activate as importedActivate, slope as importedSlope, SOFTMAX_KIND } from "./network";
import { softmaxInPlace as importedSoftmax } from "./activations";
import { usesSimplifiedDelta, type Loss } from "./loss";

// Module-local copies of the imported functions the hot loops call. Where ES modules are turned into
// CommonJS (tsx running a script outside this "type": "module" package, esbuild --format=cjs), every
// call through an import reads a getter on the module object first; in case (b) of bench:engine that
// halved the steps per second (≈90 k against ≈180 k, docs/benchmarks.md). A const is read once.
const activate = importedActivate;
const slope = importedSlope;
const softmaxInPlace = importedSoftmax;

/**
 * A mini-batch's forward and backward passes, fused: all examples go through layer l before any goes
 * through layer l+1, so the loops run over layers and neurons once per batch instead of once per
 * example, with no per-example calls or buffer copies. Values are stored neuron-major — neuron n of
 * example e at `n·batch + e` (n the flat neuron index, layer l from `nOff[l]`) — so the gradient sums
 * over examples read contiguous memory.
 *
 * Every floating-point operation is the one the textbook per-example algorithm does, in the same order
 * (z = b + Σ_j w·a in j order, δ_j = (Σ_i w·δ_i)·f'(z_j) in i order, ∂L/∂θ summed over examples in
 * order from 0): the loops are reordered, and several examples' (or weights') sums are interleaved so
 * the CPU can overlap their dependency chains, but each sum's additions are unchanged.
 * tests/lib/engine/batch.test.ts checks θ against a plain per-example loop bit for bit. The traced
 * step reads its numbers from these same buffers, so the fast and traced paths cannot drift apart.
 */
export class BatchPass {
  /** Activations; the input layer holds the examples' x. */
  a = new Float64Array(0);
  /** Pre-activations (input layer unused). */
  z = new Float64Array(0);
  /** δ = ∂L/∂z (input layer unused). */
  delta = new Float64Array(0);
  /** ∂L/∂ŷ_k of example e at k·batch + e. */
  dLdyhat = new Float64Array(0);
  /** Each example's loss Σ_k ℓ(ŷ_k, y_k). */
  exampleLoss = new Float64Array(0);
  /** Examples in the last pass (the stride of the buffers). */
  batch = 0;
  private readonly sizes: Int32Array;
  private readonly nOff: Int32Array;
  private readonly wOff: Int32Array;
  private readonly bOff: Int32Array;
  private readonly width: number;
  private readonly hiddenKind: number;
  private readonly outputKind: number;
  /** Binary cross-entropy on a sigmoid output, or cross-entropy on a softmax: δ_o = ŷ − y. */
  private readonly simplifiedDelta: boolean;

  constructor(
    readonly layout: Layout,
    readonly net: Network,
    readonly loss: Loss,
  ) {
    this.sizes = Int32Array.from(layout.sizes);
    this.nOff = net.nOff;
    this.wOff = layout.wOff;
    this.bOff = layout.bOff;
    this.width = net.nOff[layout.sizes.length];
    this.hiddenKind = net.hiddenKind;
    this.outputKind = net.outputKind;
    this.simplifiedDelta = usesSimplifiedDelta(loss, net.output);
  }

  /**
   * Runs examples order[start … start+batch) forward and backward with parameters θ, writes the batch's
   * summed (not yet averaged) gradient into `grad`, and returns the summed loss Σ_e Σ_k ℓ.
   */
  run(theta: Float64Array, x: Float64Array, y: Float64Array, order: Int32Array, start: number, batch: number, grad: Float64Array): number {
    if (this.exampleLoss.length < batch) this.grow(batch);
    this.batch = batch;
    const { sizes, nOff, wOff, bOff, a, z, delta } = this;
    const B = batch;
    const last = sizes.length - 1;
    const nIn0 = sizes[0];
    for (let e = 0; e < B; e++) {
      const xOff = order[start + e] * nIn0;
      for (let j = 0; j < nIn0; j++) a[j * B + e] = x[xOff + j];
    }

    // Forward, layer by layer: z_i = b_i + Σ_j w_ij a_j (j in order), a_i = f(z_i).
    for (let l = 0; l < last; l++) {
      const kind = l === last - 1 ? this.outputKind : this.hiddenKind;
      const f = l === last - 1 ? this.net.output : this.net.hidden;
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const inBase = nOff[l] * B;
      const b0 = bOff[l];
      const w0 = wOff[l];
      for (let i = 0; i < nOut; i++) {
        const bias = theta[b0 + i];
        const row = w0 + i * nIn;
        const out = (nOff[l + 1] + i) * B;
        // two examples at a time: independent sums the CPU can overlap (each still adds in j order)
        let e = 0;
        for (; e + 3 < B; e += 4) {
          let s0 = bias;
          let s1 = bias;
          let s2 = bias;
          let s3 = bias;
          for (let j = 0, p = inBase + e; j < nIn; j++, p += B) {
            const w = theta[row + j];
            s0 += w * a[p];
            s1 += w * a[p + 1];
            s2 += w * a[p + 2];
            s3 += w * a[p + 3];
          }
          z[out + e] = s0;
          z[out + e + 1] = s1;
          z[out + e + 2] = s2;
          z[out + e + 3] = s3;
          a[out + e] = activate(kind, s0, f);
          a[out + e + 1] = activate(kind, s1, f);
          a[out + e + 2] = activate(kind, s2, f);
          a[out + e + 3] = activate(kind, s3, f);
        }
        for (; e + 1 < B; e += 2) {
          let s0 = bias;
          let s1 = bias;
          for (let j = 0, p = inBase + e; j < nIn; j++, p += B) {
            const w = theta[row + j];
            s0 += w * a[p];
            s1 += w * a[p + 1];
          }
          z[out + e] = s0;
          z[out + e + 1] = s1;
          a[out + e] = activate(kind, s0, f);
          a[out + e + 1] = activate(kind, s1, f);
        }
        if (e < B) {
          let s = bias;
          for (let j = 0, p = inBase + e; j < nIn; j++, p += B) s += theta[row + j] * a[p];
          z[out + e] = s;
          a[out + e] = activate(kind, s, f);
        }
      }
      // softmax normalises each example's whole output layer (stride B between its neurons)
      if (kind === SOFTMAX_KIND) for (let e = 0; e < B; e++) softmaxInPlace(z, a, nOff[l + 1] * B + e, B, nOut);
    }

    // Output layer: loss, ∂L/∂ŷ and δ_o per example (examples outer so each example's loss sums its outputs in order).
    const nLast = sizes[last];
    const outBase = nOff[last] * B;
    const yOff0 = nLast;
    let lossSum = 0;
    for (let e = 0; e < B; e++) {
      const yOff = order[start + e] * yOff0;
      let exampleLoss = 0;
      for (let k = 0; k < nLast; k++) {
        const p = outBase + k * B + e;
        const yhat = a[p];
        const target = y[yOff + k];
        exampleLoss += this.loss.fn(yhat, target);
        const dLdyhat = this.loss.der(yhat, target);
        this.dLdyhat[k * B + e] = dLdyhat;
        // BCE with a sigmoid output: ∂L/∂ŷ · σ'(z) = (ŷ − y)/(ŷ(1 − ŷ)) · ŷ(1 − ŷ) = ŷ − y exactly, and
        // stays finite when ŷ saturates at 0 or 1 (where the factors alone are ∞ · 0). CE with a softmax:
        // Σ_j ∂L/∂ŷ_j · ∂ŷ_j/∂z_k = ŷ_k Σ_j y_j − y_k = ŷ_k − y_k for one-hot y.
        delta[p] = this.simplifiedDelta ? yhat - target : dLdyhat * slope(this.outputKind, z[p], yhat, this.net.output);
      }
      this.exampleLoss[e] = exampleLoss;
      lossSum += exampleLoss;
    }

    // Backward through the hidden layers: δ_j = (Σ_i w_ij δ_i) · f'(z_j), i in order.
    for (let l = last - 1; l >= 1; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const inBase = nOff[l] * B;
      const dBase = nOff[l + 1] * B;
      const w = wOff[l];
      const f = this.net.hidden;
      const kind = this.hiddenKind;
      for (let j = 0; j < nIn; j++) {
        const wj = theta[w + j];
        const q = inBase + j * B;
        let e = 0;
        for (; e + 1 < B; e += 2) {
          let s0 = wj * delta[dBase + e];
          let s1 = wj * delta[dBase + e + 1];
          for (let i = 1, p = dBase + B + e; i < nOut; i++, p += B) {
            const wij = theta[w + i * nIn + j];
            s0 += wij * delta[p];
            s1 += wij * delta[p + 1];
          }
          delta[q + e] = s0 * slope(kind, z[q + e], a[q + e], f);
          delta[q + e + 1] = s1 * slope(kind, z[q + e + 1], a[q + e + 1], f);
        }
        if (e < B) {
          let s = wj * delta[dBase + e];
          for (let i = 1, p = dBase + B + e; i < nOut; i++, p += B) s += theta[w + i * nIn + j] * delta[p];
          delta[q + e] = s * slope(kind, z[q + e], a[q + e], f);
        }
      }
    }

    // Gradient: ∂L/∂w_ij = Σ_e δ_i·a_j, ∂L/∂b_i = Σ_e δ_i, each sum from 0 in example order.
    for (let l = 0; l < last; l++) {
      const nIn = sizes[l];
      const inBase = nOff[l] * B;
      const b0 = bOff[l];
      const w0 = wOff[l];
      for (let i = 0; i < sizes[l + 1]; i++) {
        const d = (nOff[l + 1] + i) * B;
        const row = w0 + i * nIn;
        // two weights at a time: independent sums the CPU can overlap (each still adds in example order)
        let j = 0;
        for (; j + 1 < nIn; j += 2) {
          const q = inBase + j * B;
          let s0 = 0;
          let s1 = 0;
          for (let e = 0; e < B; e++) {
            const de = delta[d + e];
            s0 += de * a[q + e];
            s1 += de * a[q + B + e];
          }
          grad[row + j] = s0;
          grad[row + j + 1] = s1;
        }
        if (j < nIn) {
          const q = inBase + j * B;
          let s = 0;
          for (let e = 0; e < B; e++) s += delta[d + e] * a[q + e];
          grad[row + j] = s;
        }
        let s = 0;
        for (let e = 0; e < B; e++) s += delta[d + e];
        grad[b0 + i] = s;
      }
    }
    return lossSum;
  }

  private grow(batch: number): void {
    this.a = new Float64Array(batch * this.width);
    this.z = new Float64Array(batch * this.width);
    this.delta = new Float64Array(batch * this.width);
    this.dLdyhat = new Float64Array(batch * this.sizes[this.sizes.length - 1]);
    this.exampleLoss = new Float64Array(batch);
  }
}
