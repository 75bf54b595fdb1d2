import { describe, expect, it } from "vitest";
import { applyEdit, createLayout, describeParams, initialTheta, Trainer, type EngineConfig, type NetworkEdit } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/** A trained run's config and θ, to edit. */
function trained(input: unknown, steps = 200): { config: EngineConfig; theta: Float64Array } {
  const config = parseEngineConfig(input);
  const t = new Trainer(config);
  t.run(steps);
  return { config, theta: t.theta.slice() };
}

/** θ by name, for a config with explicit params. */
function byName(config: EngineConfig): Map<string, number> {
  const theta = initialTheta(config);
  return new Map(describeParams(createLayout(config.layers)).map((p) => [p.name, theta[p.index]]));
}

/** Applies an edit and validates the result the way the server would. */
function edit(config: EngineConfig, theta: Float64Array, e: NetworkEdit): EngineConfig {
  return parseEngineConfig(applyEdit(config, theta, e));
}

const BASE = { layers: [2, 3, 2, 1], activation: { hidden: "tanh" }, dataset: { name: "circle", size: 40 } };

describe("live edits keep the weights that still fit (issue 15)", () => {
  it("add-neuron keeps every old weight and bias, draws the new neuron's weights, bias 0", () => {
    const { config, theta } = trained(BASE);
    const next = edit(config, theta, { kind: "add-neuron", layer: 1 });
    expect(next.layers).toEqual([2, 4, 2, 1]);
    const before = byName(parseEngineConfig({ ...BASE, params: applyEdit(config, theta, { kind: "set-param", index: 0, value: theta[0] }).params }));
    const after = byName(next);
    for (const [name, v] of before) expect(after.get(name), name).toBe(v);
    expect(after.get("b1[4]")).toBe(0);
    for (const name of ["w1[4,1]", "w1[4,2]", "w2[1,4]", "w2[2,4]"]) expect(after.get(name), name).not.toBe(0);
  });

  it("remove-neuron drops its row, bias and column; the neurons after it keep theirs", () => {
    const { config, theta } = trained(BASE);
    const old = byName({ ...config, params: applyEdit(config, theta, { kind: "set-param", index: 0, value: theta[0] }).params });
    const after = byName(edit(config, theta, { kind: "remove-neuron", layer: 1, neuron: 0 }));
    expect(after.get("w1[1,2]")).toBe(old.get("w1[2,2]"));
    expect(after.get("b1[2]")).toBe(old.get("b1[3]"));
    expect(after.get("w2[2,1]")).toBe(old.get("w2[2,2]"));
    expect(after.get("w2[2,2]")).toBe(old.get("w2[2,3]"));
    expect(after.get("w3[1,1]")).toBe(old.get("w3[1,1]"));
  });

  it("add-layer and remove-layer keep the links whose two layers stay adjacent", () => {
    const { config, theta } = trained(BASE);
    const old = byName({ ...config, params: applyEdit(config, theta, { kind: "set-param", index: 0, value: theta[0] }).params });
    const added = edit(config, theta, { kind: "add-layer", at: 2, size: 5 });
    expect(added.layers).toEqual([2, 3, 5, 2, 1]);
    const a = byName(added);
    expect(a.get("w1[2,1]")).toBe(old.get("w1[2,1]"));
    expect(a.get("w4[1,2]")).toBe(old.get("w3[1,2]"));
    expect(a.get("b3[2]")).toBe(old.get("b2[2]")); // layer-2 neurons keep their biases
    const removed = edit(config, theta, { kind: "remove-layer", layer: 2 });
    expect(removed.layers).toEqual([2, 3, 1]);
    expect(byName(removed).get("w1[3,2]")).toBe(old.get("w1[3,2]"));
    expect(byName(removed).get("b2[1]")).toBe(old.get("b3[1]"));
  });

  it("features: each kept feature keeps its column, a new one is drawn", () => {
    const { config, theta } = trained(BASE);
    const next = edit(config, theta, { kind: "features", features: ["x2", "x1^2", "x1"] });
    expect(next.layers[0]).toBe(3);
    const old = byName({ ...config, params: applyEdit(config, theta, { kind: "set-param", index: 0, value: theta[0] }).params });
    const after = byName(next);
    for (let i = 1; i <= 3; i++) {
      expect(after.get(`w1[${i},1]`)).toBe(old.get(`w1[${i},2]`));
      expect(after.get(`w1[${i},3]`)).toBe(old.get(`w1[${i},1]`));
    }
    expect(new Trainer(next).data.inputDim).toBe(3);
  });

  it("switching XOR to spiral with 3 classes sets softmax + ce and three outputs, keeping the hidden weights", () => {
    const { config, theta } = trained({});
    const next = edit(config, theta, { kind: "data", name: "spiral", classes: 3, output: "softmax" });
    expect(next.layers).toEqual([2, 2, 3]);
    expect(next.loss).toBe("ce");
    expect(byName(next).get("w1[1,1]")).toBe(theta[0]);
    expect(new Trainer(next).run(100)).toBe(100);
  });

  it("data: new noise and test ratio keep θ and regenerate the points", () => {
    const { config, theta } = trained({ dataset: { name: "circle", noise: 0 } });
    const next = edit(config, theta, { kind: "data", noise: 0.3, testRatio: 0.5 });
    expect(initialTheta(next)).toEqual(theta);
    expect(new Trainer(next).data.test.n).toBe(100);
  });

  it("set-param sets one value; restart gives the run's own initial weights", () => {
    const { config, theta } = trained({});
    const next = edit(config, theta, { kind: "set-param", index: 0, value: -2 });
    expect(byName(next).get("w11")).toBe(-2);
    expect(Array.from(initialTheta(next)).slice(1)).toEqual(Array.from(theta).slice(1));
    expect(applyEdit(next, theta, { kind: "restart" })).toBe(next);
    expect(() => applyEdit(config, theta, { kind: "set-param", index: 9, value: 1 })).toThrow("index: must be a parameter index 0..8, got 9");
  });

  it("activation: θ unchanged; leaving softmax leaves ce", () => {
    const { config, theta } = trained({ layers: [2, 4, 3], activation: { output: "softmax" }, loss: "ce", dataset: { name: "gaussian", classes: 3 } });
    const next = edit(config, theta, { kind: "activation", hidden: "relu", output: "sigmoid" });
    expect(next.loss).toBe("mse");
    expect(initialTheta(next)).toEqual(theta);
  });

  it("an edit that leaves no valid network is refused by the schema, naming the field", () => {
    const { config, theta } = trained({ layers: [2, 1, 1] });
    expect(() => edit(config, theta, { kind: "remove-neuron", layer: 1, neuron: 0 })).toThrow(/^layers\[1\]: must be ≥ 1/);
    expect(() => applyEdit(config, theta, { kind: "add-neuron", layer: 2 })).toThrow("layer: must be a hidden layer 1..1, got 2");
  });

  it("the same edit of the same run gives the same config, and replaying the new run is bit-identical", () => {
    const { config, theta } = trained(BASE);
    const a = edit(config, theta, { kind: "add-layer", at: 1, size: 4 });
    const b = edit(config, theta, { kind: "add-layer", at: 1, size: 4 });
    expect(a).toEqual(b);
    const ta = new Trainer(a);
    const tb = new Trainer(JSON.parse(JSON.stringify(a)) as EngineConfig);
    ta.run(300);
    tb.run(300);
    expect(Array.from(ta.theta)).toEqual(Array.from(tb.theta));
  });
});
