import { exp } from "./det-math";
import { Mulberry32 } from "./random";
import type { Point } from "./types";

/** Regression datasets: continuous targets in about [−1, 1], for a linear output and squared error. */
export const REGRESSION_DATASETS = ["plane", "multi-gaussian"] as const;
/** Datasets that can have more than two classes (`classes` 3 or 4: one-hot targets). */
export const MULTICLASS_DATASETS = ["spiral", "gaussian"] as const;
/** Most classes a generated dataset can have. */
export const MAX_CLASSES = 4;

/** Name of a regression dataset. */
export type RegressionDatasetName = (typeof REGRESSION_DATASETS)[number];

/** True for a dataset whose targets are continuous. */
export function isRegression(name: string): name is RegressionDatasetName {
  return (REGRESSION_DATASETS as readonly string[]).includes(name);
}

/** True for a dataset that accepts a `classes` count above 2. */
export function acceptsClasses(name: string): boolean {
  return (MULTICLASS_DATASETS as readonly string[]).includes(name);
}

/** Bumps of multi-gaussian: centre (x1, x2) and sign, alternating like a chessboard. */
const BUMPS: readonly (readonly [number, number, number])[] = [
  [-0.6, 0.4, 1], [0, 0.4, -1], [0.6, 0.4, 1],
  [-0.6, -0.4, -1], [0, -0.4, 1], [0.6, -0.4, -1],
];
/** Width σ of each bump. */
const BUMP_SIGMA = 0.25;

/**
 * Points of a regression dataset, uniform in [−1, 1]². "plane": y = (x1 + x2)/2. "multi-gaussian":
 * y = Σ ± e^(−d²/2σ²) over six bumps, clamped to [−1, 1]. Noise shifts the point the target is read at.
 */
export function generateRegression(name: RegressionDatasetName, size: number, noise: number, seed: number): Point[] {
  const rand = new Mulberry32(seed);
  const points: Point[] = [];
  for (let k = 0; k < size; k++) {
    const x1 = rand.uniform(-1, 1);
    const x2 = rand.uniform(-1, 1);
    const n1 = x1 + rand.uniform(-1, 1) * noise;
    const n2 = x2 + rand.uniform(-1, 1) * noise;
    points.push({ x: [x1, x2], y: [name === "plane" ? (n1 + n2) / 2 : bumps(n1, n2)] });
  }
  return points;
}

function bumps(x1: number, x2: number): number {
  let s = 0;
  for (const [c1, c2, sign] of BUMPS) {
    const d2 = (x1 - c1) * (x1 - c1) + (x2 - c2) * (x2 - c2);
    s += sign * exp(-d2 / (2 * BUMP_SIGMA * BUMP_SIGMA));
  }
  return s < -1 ? -1 : s > 1 ? 1 : s;
}

/** The one-hot target of class c out of `classes`. */
export function oneHot(c: number, classes: number): number[] {
  const y = new Array<number>(classes).fill(0);
  y[c] = 1;
  return y;
}

/**
 * Points of a dataset with 3 or 4 classes and one-hot targets. "spiral": one arm per class, 1.75 turns
 * each, the arms rotated 2π/classes apart. "gaussian": one blob per class on a circle of radius 0.5.
 */
export function generateMulticlass(name: "spiral" | "gaussian", size: number, noise: number, seed: number, classes: number): Point[] {
  const rand = new Mulberry32(seed);
  const points: Point[] = [];
  if (name === "gaussian") {
    const spread = 0.1 + noise * 0.6;
    for (let k = 0; k < size; k++) {
      const c = k % classes;
      const angle = (2 * Math.PI * c) / classes + Math.PI / 4;
      points.push({ x: [0.5 * Math.cos(angle) + rand.gaussian() * spread, 0.5 * Math.sin(angle) + rand.gaussian() * spread], y: oneHot(c, classes) });
    }
    return points;
  }
  const per = Math.ceil(size / classes);
  for (let k = 0; k < size; k++) {
    const c = Math.floor(k / per);
    const i = k - c * per;
    const r = (i / per) * 0.9 + 0.05;
    const t = ((1.75 * i) / per) * 2 * Math.PI + (2 * Math.PI * c) / classes;
    points.push({ x: [r * Math.sin(t) + rand.uniform(-1, 1) * noise * 0.3, r * Math.cos(t) + rand.uniform(-1, 1) * noise * 0.3], y: oneHot(c, classes) });
  }
  return points;
}
