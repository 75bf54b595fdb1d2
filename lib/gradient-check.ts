/**
 * The numeric gradient check shown live on screen, and per-layer gradient sizes for the vanishing-
 * gradient demo. Pure: the browser runs it on the trace it already has.
 */
import { ACTIVATIONS, createLayout, describeParams, LOSSES, Network, type EngineConfig, type Point, type StepTrace } from "./engine";
import { BatchPass } from "./engine/batch";

/** Default finite-difference step h: small enough for a small truncation error (O(h²)), large enough to keep rounding error (≈ ε/h) below it. */
export const GRADIENT_CHECK_H = 1e-5;

/** Backprop's gradient of one parameter next to the central finite-difference estimate. */
export interface GradientCheck {
  /** Index of the parameter in θ. */
  index: number;
  name: string;
  /** ∂L/∂θ_i from backpropagation (the data term, as `trace.gradData`). */
  backprop: number;
  /** (L(θ + h·e_i) − L(θ − h·e_i)) / 2h. */
  numeric: number;
  h: number;
  /** |backprop − numeric| / max(|backprop|, |numeric|), 0 when both are 0. Below ~1e-6 they agree. */
  relativeError: number;
}

/** Mean data loss of the examples at θ (Σ_k ℓ(ŷ_k, y_k) per example, mean over examples). */
export function lossAt(config: EngineConfig, theta: ArrayLike<number>, examples: readonly Point[]): number {
  const { net, loss } = networkOf(config);
  const t = Float64Array.from(theta);
  let sum = 0;
  for (const e of examples) {
    const yhat = net.forward(t, e.x, 0);
    for (let k = 0; k < yhat.length; k++) sum += loss.fn(yhat[k], e.y[k]);
  }
  return sum / examples.length;
}

/** Mean data gradient ∂L/∂θ over the examples at θ, by backpropagation (the trainer's own batch pass, so bit-identical to `trace.gradData`). */
export function backpropGradient(config: EngineConfig, theta: ArrayLike<number>, examples: readonly Point[]): number[] {
  const { net, loss, layout } = networkOf(config);
  const n = examples.length;
  const inputs = layout.sizes[0];
  const outputs = layout.sizes[layout.sizes.length - 1];
  const x = new Float64Array(n * inputs);
  const y = new Float64Array(n * outputs);
  examples.forEach((e, k) => {
    x.set(e.x, k * inputs);
    y.set(e.y, k * outputs);
  });
  const grad = new Float64Array(layout.count);
  new BatchPass(layout, net, loss).run(Float64Array.from(theta), x, y, Int32Array.from({ length: n }, (_, k) => k), 0, n, grad);
  return Array.from(grad, (g) => g / n);
}

/**
 * Checks parameter `index` at θ on the step's examples: backprop's gradient against the central
 * difference with step h. With the sign-slip preset the two disagree in sign: the check exposes the slip.
 */
export function gradientCheck(config: EngineConfig, theta: ArrayLike<number>, examples: readonly Point[], index: number, h = GRADIENT_CHECK_H): GradientCheck {
  const layout = createLayout(config.layers);
  if (!Number.isInteger(index) || index < 0 || index >= layout.count) throw new Error(`gradientCheck: index ${index} outside 0..${layout.count - 1}`);
  if (examples.length === 0) throw new Error("gradientCheck: needs at least one example");
  if (!(h > 0) || !Number.isFinite(h)) throw new Error(`gradientCheck: h must be a positive finite number, got ${h}`);
  const backprop = backpropGradient(config, theta, examples)[index];
  const plus = Float64Array.from(theta);
  const minus = Float64Array.from(theta);
  plus[index] += h;
  minus[index] -= h;
  const numeric = (lossAt(config, plus, examples) - lossAt(config, minus, examples)) / (2 * h);
  const scale = Math.max(Math.abs(backprop), Math.abs(numeric));
  return { index, name: describeParams(layout)[index].name, backprop, numeric, h, relativeError: scale === 0 ? 0 : Math.abs(backprop - numeric) / scale };
}

/** The examples a trace used, as points (what `gradientCheck` and `lossAt` take). */
export function traceExamples(trace: StepTrace): Point[] {
  return trace.examples.map((e) => ({ x: e.x, y: e.y }));
}

/** Size of one layer's weight gradient. */
export interface LayerGradientNorm {
  /** Receiving layer (1 = first hidden layer; the last is the output layer). */
  layer: number;
  /** ‖∂L/∂W‖₂ over the layer's weights (the data term). */
  norm: number;
  /** Mean |∂L/∂w| over the layer's weights. */
  meanAbs: number;
  /** Largest |∂L/∂w|. */
  maxAbs: number;
}

/** Per-layer sizes of the data gradient of a step: vanishing gradients show as tiny early layers. */
export function layerGradientNorms(trace: StepTrace, layers: readonly number[]): LayerGradientNorm[] {
  const layout = createLayout(layers);
  if (trace.gradData.length !== layout.count) throw new Error(`layerGradientNorms: trace has ${trace.gradData.length} gradients, layers [${layers}] have ${layout.count}`);
  const out: LayerGradientNorm[] = [];
  for (let l = 0; l < layers.length - 1; l++) {
    let sq = 0;
    let abs = 0;
    let max = 0;
    for (let k = layout.wOff[l]; k < layout.bOff[l]; k++) {
      const g = Math.abs(trace.gradData[k]);
      sq += g * g;
      abs += g;
      max = Math.max(max, g);
    }
    out.push({ layer: l + 1, norm: Math.sqrt(sq), meanAbs: abs / (layout.bOff[l] - layout.wOff[l]), maxAbs: max });
  }
  return out;
}

const networks = new WeakMap<EngineConfig, { net: Network; loss: (typeof LOSSES)[keyof typeof LOSSES]; layout: ReturnType<typeof createLayout> }>();

function networkOf(config: EngineConfig) {
  let entry = networks.get(config);
  if (!entry) {
    const layout = createLayout(config.layers);
    entry = { layout, net: new Network(layout, ACTIVATIONS[config.activation.hidden], ACTIVATIONS[config.activation.output]), loss: LOSSES[config.loss] };
    networks.set(config, entry);
  }
  return entry;
}
