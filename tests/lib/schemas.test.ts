import { describe, expect, it } from "vitest";
import { buildDataset, isRegression } from "@/lib/engine";
import { DATASET_NAMES, engineConfigSchema, formatIssues, parseEngineConfig } from "@/lib/schemas";

/** Parses and returns the error message ('' when the config was accepted). */
function rejection(input: unknown): string {
  const r = engineConfigSchema.safeParse(input);
  return r.success ? "" : formatIssues(r.error);
}

describe("engine config", () => {
  it("{} is the seed's 2-2-1 sigmoid network on XOR with lr 0.5 and per-example SGD", () => {
    expect(parseEngineConfig({})).toEqual({
      layers: [2, 2, 1],
      activation: { hidden: "sigmoid", output: "sigmoid" },
      loss: "mse",
      learningRate: 0.5,
      batchSize: 1,
      regularization: { kind: "none", rate: 0 },
      init: { scheme: "xavier", seed: 42, range: 0.5 },
      dataset: { name: "xor", seed: 7, noise: 0, size: undefined, testRatio: undefined },
    });
  });

  it("accepts the issue's full example", () => {
    const c = parseEngineConfig({
      layers: [2, 2, 1],
      activation: { hidden: "sigmoid", output: "sigmoid" },
      loss: "mse",
      learningRate: 0.5,
      batchSize: 1,
      regularization: { kind: "none", rate: 0 },
      init: { scheme: "xavier", seed: 42 },
      params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] },
      dataset: { name: "xor", seed: 7 },
    });
    expect(c.params?.weights[1]).toEqual([[0.5, 0.6]]);
  });

  // Each rule: an input that breaks it, and the field and words the message must contain.
  const RULES: [string, unknown, RegExp][] = [
    ["layer size ≥ 1", { layers: [2, 0, 1] }, /^layers\[1\]: must be ≥ 1/],
    ["layer size ≤ 64", { layers: [2, 65, 1] }, /^layers\[1\]: must be ≤ 64/],
    ["layer size is an integer", { layers: [2, 2.5, 1] }, /^layers\[1\]: must be an integer/],
    ["at least 2 layers", { layers: [2] }, /^layers: needs at least 2 layers/],
    ["at most 8 layers", { layers: [2, 3, 3, 3, 3, 3, 3, 3, 1] }, /^layers: at most 8 layers/],
    ["first layer = input dimension", { layers: [3, 2, 1] }, /^layers\[0\]: must equal the data's input dimension 2/],
    ["last layer = target dimension", { layers: [2, 2, 2] }, /^layers\[2\]: must equal the data's target dimension 1/],
    ["learningRate > 0", { learningRate: 0 }, /^learningRate: must be > 0/],
    ["learningRate ≤ 10", { learningRate: 10.5 }, /^learningRate: must be ≤ 10/],
    ["learningRate finite", { learningRate: Infinity }, /^learningRate: must be a finite number/],
    ["learningRate not NaN", { learningRate: NaN }, /^learningRate: must be a finite number/],
    ["learningRate is a number", { learningRate: "0.1" }, /^learningRate: must be a finite number/],
    ["batchSize ≥ 1", { batchSize: 0 }, /^batchSize: must be ≥ 1/],
    ["batchSize ≤ training size", { batchSize: 5 }, /^batchSize: must be ≤ the training split size 4, got 5/],
    ["batchSize integer", { batchSize: 1.5 }, /^batchSize: must be an integer/],
    ["activation name", { activation: { hidden: "softmax" } }, /^activation\.hidden: must be one of sigmoid, tanh, relu, leaky-relu, linear/],
    ["loss name", { loss: "mae" }, /^loss: must be one of mse, bce, ce$/],
    ["regularisation kind", { regularization: { kind: "l3" } }, /^regularization\.kind: must be none, l1 or l2/],
    ["regularisation rate ≥ 0", { regularization: { kind: "l2", rate: -1 } }, /^regularization\.rate: must be ≥ 0/],
    ["init scheme", { init: { scheme: "zeros" } }, /^init\.scheme: must be xavier, he or uniform/],
    ["init seed integer", { init: { seed: 1.5 } }, /^init\.seed: must be an integer/],
    ["dataset name", { dataset: { name: "moons" } }, /^dataset\.name: must be one of xor/],
    ["dataset noise ≤ 0.5", { dataset: { name: "circle", noise: 0.6 } }, /^dataset\.noise: must be ≤ 0\.5/],
    ["dataset size ≤ 2000", { dataset: { name: "spiral", size: 2001 } }, /^dataset\.size: must be ≤ 2000/],
    ["testRatio ≤ 0.9", { dataset: { name: "circle", testRatio: 0.95 } }, /^dataset\.testRatio: must be ≤ 0\.9/],
    ["name or points, not both", { dataset: { name: "xor", points: [{ x: [0, 0], y: [0] }] } }, /^dataset\.name: give either name or points/],
    ["points have equal dimensions", { dataset: { points: [{ x: [0, 0], y: [0] }, { x: [1], y: [1] }] } }, /^dataset\.points\[1\]\.x: expected 2 inputs/],
    ["points are finite", { dataset: { points: [{ x: [0, NaN], y: [0] }] } }, /^dataset\.points\[0\]\.x\[1\]: must be a finite number/],
    ["at most 2000 points", { layers: [1, 1], dataset: { points: Array.from({ length: 2001 }, () => ({ x: [0], y: [0] })) } }, /^dataset\.points: at most 2000 points/],
    ["params layer count", { params: { weights: [[[1, 2], [3, 4]]], biases: [[0, 0], [0]] } }, /^params\.weights: expected 2 weight matrices/],
    ["params row count", { params: { weights: [[[1, 2]], [[1, 2]]], biases: [[0, 0], [0]] } }, /^params\.weights\[0\]: expected 2 rows, got 1/],
    ["params row length", { params: { weights: [[[1, 2], [3]], [[1, 2]]], biases: [[0, 0], [0]] } }, /^params\.weights\[0\]\[1\]: expected 2 values, got 1/],
    ["params bias length", { params: { weights: [[[1, 2], [3, 4]], [[1, 2]]], biases: [[0], [0]] } }, /^params\.biases\[0\]: expected 2 values, got 1/],
    ["params finite", { params: { weights: [[[1, Infinity], [3, 4]], [[1, 2]]], biases: [[0, 0], [0]] } }, /^params\.weights\[0\]\[0\]\[1\]: must be a finite number/],
    ["unknown keys", { layer: [2, 2, 1] }, /^\(root\): Unrecognized key: "layer"/],
    ["not an object", 42, /^\(root\):/],
  ];

  for (const [rule, input, message] of RULES) {
    it(`rejects: ${rule}`, () => {
      expect(rejection(input)).toMatch(message);
    });
  }

  it("parseEngineConfig throws the same message", () => {
    expect(() => parseEngineConfig({ learningRate: -1 })).toThrow(/^learningRate: must be > 0$/);
  });

  it("loss must be mse, bce or ce, named in the message", () => {
    expect(rejection({ loss: "xent" })).toBe("loss: must be one of mse, bce, ce");
    expect(rejection({ loss: "mse-seed-sign" })).toBe("loss: must be one of mse, bce, ce");
    expect(parseEngineConfig({ loss: "bce" }).loss).toBe("bce");
  });

  it("bce needs a sigmoid output: the message names activation.output", () => {
    expect(rejection({ loss: "bce", activation: { output: "tanh" } })).toBe(
      "activation.output: must be sigmoid when loss is bce (binary cross-entropy needs outputs in (0, 1)), got tanh",
    );
    expect(rejection({ loss: "mse", activation: { output: "tanh" } })).toBe("");
  });

  it("bce needs targets in [0, 1]: the message names the point and the output", () => {
    const points = [{ x: [0, 0], y: [0, 1] }, { x: [1, 0], y: [0.5, 1.5] }, { x: [0, 1], y: [-0.25, 1] }];
    expect(rejection({ layers: [2, 2, 2], loss: "bce", dataset: { points } })).toBe(
      "dataset.points[1].y[1]: must be in [0, 1] when loss is bce, got 1.5; dataset.points[2].y[0]: must be in [0, 1] when loss is bce, got -0.25",
    );
    expect(rejection({ layers: [2, 2, 2], loss: "mse", dataset: { points } })).toBe("");
    expect(rejection({ layers: [2, 2, 2], loss: "bce", dataset: { points: [{ x: [0, 0], y: [0, 1] }, { x: [1, 1], y: [1, 0.3] }] } })).toBe("");
  });

  it("bce accepts every built-in classification dataset: all their labels are 0 or 1", () => {
    for (const name of DATASET_NAMES.filter((n) => !isRegression(n))) {
      const config = parseEngineConfig({ loss: "bce", dataset: { name, noise: 0.3, size: name === "xor" || name === "and" || name === "or" || name === "nand" ? undefined : 200 } });
      const y = buildDataset(config.dataset).train.y;
      expect(y.every((v) => v === 0 || v === 1), name).toBe(true);
    }
  });
});
