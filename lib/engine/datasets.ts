import type { DatasetName, DatasetSpec, Point } from "./types";
import { Mulberry32, shuffleInPlace } from "./random";
import { applyFeatures, isIdentityFeatures, type FeatureName } from "./features";
import { acceptsClasses, generateMulticlass, generateRegression, isRegression } from "./more-datasets";

/** Default number of points for the 2-D generators. */
export const DEFAULT_GENERATED_SIZE = 200;
/** Default share of generated points held out for testing (the corner sets keep all 4 for training). */
export const DEFAULT_TEST_RATIO = 0.2;

/** Truth tables of the 2-input logic gates, on the corners of the unit square. */
const GATES: Record<"xor" | "and" | "or" | "nand", (a: number, b: number) => number> = {
  xor: (a, b) => a ^ b,
  and: (a, b) => a & b,
  or: (a, b) => a | b,
  nand: (a, b) => 1 - (a & b),
};

/** True for the four-corner logic datasets. */
export function isGate(name: DatasetName): name is keyof typeof GATES {
  return name in GATES;
}

/**
 * One split as flat arrays: example e's network inputs are x[e·inputDim …] (its features), targets
 * y[e·targetDim …]; `points` keeps the raw points (x1, x2) for drawing.
 */
export interface Split {
  n: number;
  x: Float64Array;
  y: Float64Array;
  points: Point[];
}

/** A dataset ready for training. */
export interface Dataset {
  /** Network inputs per example (the number of features when the config chooses them). */
  inputDim: number;
  targetDim: number;
  /** Regression targets are continuous: accuracy means nothing, the loss says it all. */
  task: "classification" | "regression";
  train: Split;
  test: Split;
}

/**
 * Generates the raw points of a named dataset (coordinates roughly within [−1, 1]); spiral and gaussian
 * with `classes` above 2 have one-hot targets.
 */
export function generatePoints(name: DatasetName, size: number, noise: number, seed: number, classes = 2): Point[] {
  if (isRegression(name)) return generateRegression(name, size, noise, seed);
  if (classes > 2 && (name === "spiral" || name === "gaussian")) return generateMulticlass(name, size, noise, seed, classes);
  if (isGate(name)) {
    const gate = GATES[name];
    return [[0, 0], [0, 1], [1, 0], [1, 1]].map(([a, b]) => ({ x: [a, b], y: [gate(a, b)] }));
  }
  const rand = new Mulberry32(seed);
  const points: Point[] = [];
  const push = (px: number, py: number, label: number) => points.push({ x: [px, py], y: [label] });
  if (name === "circle") {
    // Inner disc (label 1) of radius 0.5 and outer ring 0.7..1; noise jitters the point used for the label.
    for (let k = 0; k < size; k++) {
      const inner = k < size / 2;
      const r = inner ? rand.uniform(0, 0.5) : rand.uniform(0.7, 1);
      const angle = rand.uniform(0, 2 * Math.PI);
      const px = r * Math.sin(angle);
      const py = r * Math.cos(angle);
      const nx = px + rand.uniform(-1, 1) * noise;
      const ny = py + rand.uniform(-1, 1) * noise;
      push(px, py, Math.hypot(nx, ny) < 0.6 ? 1 : 0);
    }
  } else if (name === "xor-cloud") {
    // Gaussian clouds centred in the four quadrants; label 1 where the signs of x1 and x2 differ.
    const spread = 0.1 + noise * 0.5;
    for (let k = 0; k < size; k++) {
      const sx = k % 2 === 0 ? 1 : -1;
      const sy = k % 4 < 2 ? 1 : -1;
      push(sx * 0.5 + rand.gaussian() * spread, sy * 0.5 + rand.gaussian() * spread, sx === sy ? 0 : 1);
    }
  } else if (name === "gaussian") {
    // Two blobs at ±(0.35, 0.35); the noise widens them until they overlap.
    const spread = 0.1 + noise * 0.6;
    for (let k = 0; k < size; k++) {
      const label = k % 2;
      const c = label === 1 ? 0.35 : -0.35;
      push(c + rand.gaussian() * spread, c + rand.gaussian() * spread, label);
    }
  } else {
    // Two interleaved spirals, 1.75 turns each.
    const half = Math.ceil(size / 2);
    for (let k = 0; k < size; k++) {
      const label = k < half ? 1 : 0;
      const i = label === 1 ? k : k - half;
      const r = (i / half) * 0.9 + 0.05;
      const t = (1.75 * i / half) * 2 * Math.PI + (label === 1 ? 0 : Math.PI);
      push(r * Math.sin(t) + rand.uniform(-1, 1) * noise * 0.3, r * Math.cos(t) + rand.uniform(-1, 1) * noise * 0.3, label);
    }
  }
  return points;
}

/**
 * Builds the dataset: generates or takes the points, shuffles them with the seed, splits train/test,
 * and turns each 2-D point into its features when the config chooses any other than x1, x2.
 */
export function buildDataset(spec: DatasetSpec, features?: readonly FeatureName[]): Dataset {
  const named = "name" in spec;
  const points = named
    ? generatePoints(spec.name, spec.size ?? DEFAULT_GENERATED_SIZE, spec.noise, spec.seed, spec.classes)
    : spec.points;
  const testRatio = spec.testRatio ?? (named && !isGate(spec.name) ? DEFAULT_TEST_RATIO : 0);
  const order = points.map((_, k) => k);
  if (testRatio > 0) shuffleInPlace(order, new Mulberry32(spec.seed ^ 0x5eed));
  const nTest = Math.floor(points.length * testRatio);
  const trainPoints = order.slice(0, points.length - nTest).map((k) => points[k]);
  const testPoints = order.slice(points.length - nTest).map((k) => points[k]);
  const inputDim = points[0].x.length;
  const targetDim = points[0].y.length;
  const task = named && isRegression(spec.name) ? "regression" : "classification";
  const train = toSplit(trainPoints, inputDim, targetDim);
  const test = toSplit(testPoints, inputDim, targetDim);
  if (isIdentityFeatures(features)) return { inputDim, targetDim, task, train, test };
  if (inputDim !== 2) throw new Error(`features: need 2-D points, the data has ${inputDim} inputs`);
  const withFeatures = (s: Split): Split => ({ ...s, x: applyFeatures(features!, s.x, s.n) });
  return { inputDim: features!.length, targetDim, task, train: withFeatures(train), test: withFeatures(test) };
}

function toSplit(points: Point[], inputDim: number, targetDim: number): Split {
  const x = new Float64Array(points.length * inputDim);
  const y = new Float64Array(points.length * targetDim);
  points.forEach((p, e) => {
    x.set(p.x, e * inputDim);
    y.set(p.y, e * targetDim);
  });
  return { n: points.length, x, y, points };
}

/** Input/target dimensions and training-split size a spec will produce, without generating points. */
export function datasetShape(spec: DatasetSpec): { inputDim: number; targetDim: number; size: number; trainSize: number } {
  const named = "name" in spec;
  const size = named ? (isGate(spec.name) ? 4 : spec.size ?? DEFAULT_GENERATED_SIZE) : spec.points.length;
  const testRatio = spec.testRatio ?? (named && !isGate(spec.name) ? DEFAULT_TEST_RATIO : 0);
  const inputDim = named ? 2 : spec.points[0]?.x.length ?? 0;
  const classes = named && acceptsClasses(spec.name) ? spec.classes ?? 2 : 2;
  const targetDim = named ? (classes > 2 ? classes : 1) : spec.points[0]?.y.length ?? 0;
  return { inputDim, targetDim, size, trainSize: size - Math.floor(size * testRatio) };
}
