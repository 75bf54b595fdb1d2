import { featureVector, isIdentityFeatures, type FeatureName, type Network } from "@/lib/engine";
import { classRgb, divergingRgb, toSigned, type Rgb } from "./colour-scale";

/** A rectangle of the input plane: x1 ∈ [xMin, xMax], x2 ∈ [yMin, yMax]. */
export interface PlaneBounds {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

/** Share of the data's extent added on every side of the plot. */
export const PLANE_MARGIN = 0.25;

/** Bounds of 2-D points with a margin, squared up so one unit is as wide as it is tall. */
export function planeBounds(points: ReadonlyArray<{ x: readonly number[] }>, margin = PLANE_MARGIN): PlaneBounds {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (const p of points) {
    xMin = Math.min(xMin, p.x[0]);
    xMax = Math.max(xMax, p.x[0]);
    yMin = Math.min(yMin, p.x[1]);
    yMax = Math.max(yMax, p.x[1]);
  }
  if (!Number.isFinite(xMin)) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const span = Math.max(xMax - xMin, yMax - yMin, 1e-6);
  const half = (span * (1 + 2 * margin)) / 2;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
}

/** What to paint per pixel of a field. */
export interface FieldOptions {
  /** Layer and neuron whose activation is painted (default: the first output). */
  layer?: number;
  neuron?: number;
  /** Value range of that neuron's activation, mapped to orange … grey … blue. */
  range: [number, number];
  /** Paint only the class (above or below the range's midpoint; the winning class with several outputs). */
  discretize?: boolean;
  /** The network's input features of each point (x1, x2 when absent), as the engine computes them. */
  features?: readonly FeatureName[];
  /** Several outputs (softmax): paint the winning class, pale where the network is unsure. */
  classes?: boolean;
}

/**
 * Paints one neuron's activation over the input plane into RGBA pixels (row 0 = top = yMax), running
 * the shared engine's forward pass once per pixel with parameters θ. Pure apart from `net`'s buffers.
 */
export function paintField(
  net: Network,
  theta: Float64Array,
  bounds: PlaneBounds,
  size: number,
  options: FieldOptions,
  out: Uint8ClampedArray = new Uint8ClampedArray(size * size * 4),
): Uint8ClampedArray {
  const last = net.layout.sizes.length - 1;
  const layer = options.layer ?? last;
  const neuron = options.neuron ?? 0;
  const features = isIdentityFeatures(options.features) ? null : options.features!;
  const x = new Float64Array(net.layout.sizes[0]);
  const mid = (options.range[0] + options.range[1]) / 2;
  for (let row = 0; row < size; row++) {
    const x2 = bounds.yMax - ((row + 0.5) / size) * (bounds.yMax - bounds.yMin);
    for (let col = 0; col < size; col++) {
      const x1 = bounds.xMin + ((col + 0.5) / size) * (bounds.xMax - bounds.xMin);
      if (features) featureVector(features, x1, x2, x);
      else {
        x[0] = x1;
        x[1] = x2;
      }
      net.forward(theta, x, 0);
      const [r, g, b] = options.classes && layer === last ? classColour(net.a[layer], options.discretize ?? false) : signedColour(net.a[layer][neuron], options, mid);
      const k = (row * size + col) * 4;
      out[k] = r;
      out[k + 1] = g;
      out[k + 2] = b;
      out[k + 3] = 255;
    }
  }
  return out;
}

function signedColour(v: number, options: FieldOptions, mid: number): Rgb {
  return divergingRgb(options.discretize ? (v >= mid ? 0.85 : -0.85) : toSigned(v, options.range));
}

/** The winning class's colour, faded towards grey as its probability falls to 1/K (a coin toss). */
function classColour(probabilities: Float64Array, discretize: boolean): Rgb {
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  const chance = 1 / probabilities.length;
  const confidence = discretize ? 0.85 : Math.max(0, Math.min(1, (probabilities[best] - chance) / (1 - chance)));
  return classRgb(best, confidence);
}

/** Index of the largest target: the class of a one-hot point. */
export function classOf(y: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < y.length; k++) if (y[k] > y[best]) best = k;
  return best;
}

/** Maps a point of the plane to canvas pixels of a width × height drawing. */
export function toCanvas(bounds: PlaneBounds, width: number, height: number, x1: number, x2: number): [number, number] {
  return [((x1 - bounds.xMin) / (bounds.xMax - bounds.xMin)) * width, ((bounds.yMax - x2) / (bounds.yMax - bounds.yMin)) * height];
}
