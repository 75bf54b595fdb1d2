import { describe, expect, it } from "vitest";
import { applyFeatures, buildDataset, FEATURE_NAMES, featureVector, Trainer } from "@/lib/engine";
import { engineConfigSchema, formatIssues, parseEngineConfig } from "@/lib/schemas";

function rejection(input: unknown): string {
  const r = engineConfigSchema.safeParse(input);
  return r.success ? "" : formatIssues(r.error);
}

describe("input features", () => {
  it("each feature is its formula of (x1, x2)", () => {
    const out = new Float64Array(7);
    featureVector(FEATURE_NAMES, 0.5, -2, out);
    expect(Array.from(out)).toEqual([0.5, -2, 0.25, 4, -1, Math.sin(0.5), Math.sin(-2)]);
  });

  it("the trainer's inputs are the features of the raw points, which the split keeps for drawing", () => {
    const config = parseEngineConfig({ layers: [3, 2, 1], features: ["x1^2", "x1*x2", "sin(x2)"], dataset: { name: "circle", size: 40 } });
    const t = new Trainer(config);
    expect(t.data.inputDim).toBe(3);
    t.data.train.points.forEach((p, e) => {
      expect(Array.from(t.data.train.x.subarray(3 * e, 3 * e + 3))).toEqual([p.x[0] ** 2, p.x[0] * p.x[1], Math.sin(p.x[1])]);
    });
  });

  it("x1, x2 leaves the data exactly as it is (so every existing run keeps its θ)", () => {
    const plain = new Trainer(parseEngineConfig({ dataset: { name: "spiral" } }));
    const listed = new Trainer(parseEngineConfig({ features: ["x1", "x2"], dataset: { name: "spiral" } }));
    plain.run(300);
    listed.run(300);
    expect(Array.from(listed.theta)).toEqual(Array.from(plain.theta));
  });

  it("applyFeatures maps n flat points", () => {
    expect(Array.from(applyFeatures(["x2", "x1"], Float64Array.from([1, 2, 3, 4]), 2))).toEqual([2, 1, 4, 3]);
  });

  it("the schema names features when layers[0] does not match, and refuses repeats and unknown names", () => {
    expect(rejection({ layers: [2, 2, 1], features: FEATURE_NAMES })).toBe("features: lists 7 features (x1, x2, x1², x2², x1·x2, sin(x1), sin(x2)), so layers[0] must be 7, got 2");
    expect(rejection({ layers: [2, 2, 1], features: ["x1", "x1"] })).toBe("features: must not repeat a feature");
    expect(rejection({ layers: [1, 2, 1], features: ["x3"] })).toMatch(/^features\[0\]: must be one of x1, x2, x1\^2/);
    expect(rejection({ layers: [1, 1], features: ["x1"], dataset: { points: [{ x: [1, 2, 3], y: [0] }] } })).toBe("features: need 2-D points (x1, x2), the data has 3 inputs");
    expect(rejection({ layers: [7, 3, 1], features: FEATURE_NAMES })).toBe("");
  });
});

describe("regression and multi-class datasets", () => {
  it("plane's target is (x1 + x2)/2 without noise; multi-gaussian's stays in [−1, 1]; accuracy is NaN", () => {
    const plane = buildDataset({ name: "plane", seed: 3, noise: 0, size: 50 });
    expect(plane.task).toBe("regression");
    plane.train.points.forEach((p) => expect(p.y[0]).toBe((p.x[0] + p.x[1]) / 2));
    const bumps = buildDataset({ name: "multi-gaussian", seed: 3, noise: 0.2, size: 200 });
    const ys = bumps.train.points.map((p) => p.y[0]);
    expect(Math.min(...ys)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...ys)).toBeLessThanOrEqual(1);
    expect(new Set(ys.map((y) => Math.sign(Math.round(y * 10)))).size).toBe(3); // both signs and ~0
    const t = new Trainer(parseEngineConfig({ activation: { output: "linear" }, dataset: { name: "plane" } }));
    const before = t.evaluate("train");
    expect(before.accuracy).toBeNaN();
    t.run(2000);
    expect(t.evaluate("train").loss).toBeLessThan(before.loss / 4);
  });

  it("spiral and gaussian with 3 and 4 classes have balanced one-hot targets", () => {
    for (const name of ["spiral", "gaussian"] as const) {
      for (const classes of [3, 4]) {
        const d = buildDataset({ name, seed: 1, noise: 0, size: 120, classes, testRatio: 0 });
        expect(d.targetDim).toBe(classes);
        const counts = new Array<number>(classes).fill(0);
        for (const p of d.train.points) {
          expect(p.y.reduce((s, v) => s + v, 0)).toBe(1);
          counts[p.y.indexOf(1)]++;
        }
        expect(counts).toEqual(new Array<number>(classes).fill(120 / classes));
      }
    }
  });

  it("classes: 2 is the two-class set with one 0/1 target, as before", () => {
    expect(buildDataset({ name: "spiral", seed: 7, noise: 0, classes: 2 })).toEqual(buildDataset({ name: "spiral", seed: 7, noise: 0 }));
  });

  it("bad combinations are refused with the field named", () => {
    expect(rejection({ activation: { output: "softmax" }, layers: [2, 3, 3], dataset: { name: "spiral", classes: 3 } })).toBe("loss: must be ce when activation.output is softmax, got mse");
    expect(rejection({ loss: "ce", activation: { output: "softmax" } })).toBe("layers[2]: must be ≥ 2 when loss is ce (one output per class; use bce with one sigmoid output for two classes), got 1");
    expect(rejection({ loss: "ce", layers: [2, 3, 3], dataset: { name: "spiral", classes: 3 } })).toBe("activation.output: must be softmax when loss is ce (cross-entropy over class probabilities), got sigmoid");
    expect(rejection({ activation: { hidden: "softmax" } })).toMatch(/^activation\.hidden: must be one of .* \(softmax is for the output layer only\)$/);
    expect(rejection({ dataset: { name: "circle", classes: 3 } })).toBe("dataset.classes: applies to the spiral and gaussian datasets only, got circle");
    expect(rejection({ loss: "bce", dataset: { name: "plane" } })).toBe("loss: must be mse for the regression dataset plane (continuous targets), got bce");
    expect(rejection({ layers: [2, 4, 3], dataset: { name: "gaussian", classes: 3 } })).toBe("");
    expect(rejection({ loss: "ce", layers: [2, 2], activation: { output: "softmax" }, dataset: { points: [{ x: [0, 0], y: [0.5, 0.6] }] } })).toBe("dataset.points[0].y: must be class probabilities (≥ 0, summing to 1) when loss is ce, got [0.5,0.6]");
  });
});
