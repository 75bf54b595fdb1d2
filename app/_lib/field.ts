import type { Network } from "@/lib/engine";
import { divergingRgb, toSigned } from "./colour-scale";

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
  /** Paint only the class (above or below the range's midpoint). */
  discretize?: boolean;
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
  const x = new Float64Array(2);
  const mid = (options.range[0] + options.range[1]) / 2;
  for (let row = 0; row < size; row++) {
    x[1] = bounds.yMax - ((row + 0.5) / size) * (bounds.yMax - bounds.yMin);
    for (let col = 0; col < size; col++) {
      x[0] = bounds.xMin + ((col + 0.5) / size) * (bounds.xMax - bounds.xMin);
      net.forward(theta, x, 0);
      const v = net.a[layer][neuron];
      const t = options.discretize ? (v >= mid ? 0.85 : -0.85) : toSigned(v, options.range);
      const [r, g, b] = divergingRgb(t);
      const k = (row * size + col) * 4;
      out[k] = r;
      out[k + 1] = g;
      out[k + 2] = b;
      out[k + 3] = 255;
    }
  }
  return out;
}

/** Maps a point of the plane to canvas pixels of a width × height drawing. */
export function toCanvas(bounds: PlaneBounds, width: number, height: number, x1: number, x2: number): [number, number] {
  return [((x1 - bounds.xMin) / (bounds.xMax - bounds.xMin)) * width, ((bounds.yMax - x2) / (bounds.yMax - bounds.yMin)) * height];
}
