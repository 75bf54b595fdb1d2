import { describe, expect, it } from "vitest";
import { createLayout, describeParams, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { buildDiagramModel, chainPath, MAX_EDGE_WIDTH, MIN_EDGE_WIDTH, NEGATIVE_DASH, NEGATIVE_STROKE, POSITIVE_STROKE, weightStroke } from "@/app/_components/network-diagram-model";

const SEED_SIZES = [2, 2, 1];
const ACT = { hidden: "sigmoid", output: "sigmoid" };

describe("weight stroke", () => {
  it("carries the sign by dash as well as colour: solid positive, dashed negative", () => {
    const pos = weightStroke(0.7);
    const neg = weightStroke(-0.7);
    expect(pos.dash).toBeNull();
    expect(neg.dash).toBe(NEGATIVE_DASH);
    expect(pos.colour).toBe(POSITIVE_STROKE);
    expect(neg.colour).toBe(NEGATIVE_STROKE);
    expect(pos.sign).toBe("+");
    expect(neg.sign).toBe("−");
  });

  it("maps magnitude to width: symmetric in sign, strictly increasing, bounded", () => {
    const mags = [0, 0.01, 0.1, 0.3, 0.5, 1, 2, 4, 8];
    const widths = mags.map((m) => weightStroke(m).width);
    for (let k = 1; k < widths.length; k++) expect(widths[k]).toBeGreaterThan(widths[k - 1]);
    for (const m of mags) expect(weightStroke(-m).width).toBe(weightStroke(m).width);
    expect(widths[0]).toBe(MIN_EDGE_WIDTH);
    expect(weightStroke(1e9).width).toBeLessThanOrEqual(MAX_EDGE_WIDTH);
    expect(weightStroke(Infinity).width).toBeLessThanOrEqual(MAX_EDGE_WIDTH);
  });
});

describe("diagram model", () => {
  const params = [0.1, -0.2, 0.3, -1.5, 0.1, 0.1, 0.5, 0.6, 0.2];

  it("draws one edge per weight with the seed's names, and a bias on every non-input neuron", () => {
    const model = buildDiagramModel({ sizes: SEED_SIZES, params, activation: ACT });
    expect(model.edges.map((e) => e.name)).toEqual(["w11", "w12", "w21", "w22", "wo1", "wo2"]);
    expect(model.nodes.map((n) => n.label)).toEqual(["x1", "x2", "a1", "a2", "ŷ"]);
    expect(model.nodes.filter((n) => n.bias).map((n) => n.bias!.name)).toEqual(["b1", "b2", "bo"]);
    const w12 = model.edges.find((e) => e.name === "w12")!;
    expect(w12.stroke.dash).toBe(NEGATIVE_DASH);
    const w22 = model.edges.find((e) => e.name === "w22")!;
    expect(w22.stroke.width).toBeGreaterThan(w12.stroke.width);
    // w12 feeds a1 from x2: it starts in the input column and ends in the hidden one.
    const x2 = model.nodes.find((n) => n.label === "x2")!;
    const a1 = model.nodes.find((n) => n.label === "a1")!;
    expect(w12.y1).toBe(x2.y);
    expect(w12.y2).toBe(a1.y);
    expect(model.nodes.filter((n) => n.heatmap).map((n) => n.label)).toEqual(["a1", "a2"]);
  });

  it("highlights the chain-rule path of a selected hidden weight", () => {
    const model = buildDiagramModel({ sizes: SEED_SIZES, params, selected: 1, activation: ACT });
    expect(model.edges.filter((e) => e.onPath).map((e) => e.name)).toEqual(["w12", "wo1"]);
    expect(model.nodes.filter((n) => n.onPath).map((n) => n.label)).toEqual(["x2", "a1", "ŷ"]);
    const layout = createLayout([2, 3, 2, 1]);
    const p = describeParams(layout).find((q) => q.name === "b1[2]")!;
    const path = chainPath([2, 3, 2, 1], p);
    expect([...path.nodes].sort()).toEqual(["1:1", "2:0", "2:1", "3:0"]);
  });

  it("shows the example's values and, in the backward phase, each edge's share of the largest gradient", () => {
    const config = parseEngineConfig({ params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] } });
    const trace = new Trainer(config).stepTraced();
    const live = buildDiagramModel({ sizes: SEED_SIZES, params: trace.after, trace, activation: ACT });
    expect(live.edges.every((e) => e.gradShare === 0)).toBe(true);
    expect(live.nodes[2].value).toBe(trace.examples[0].a[1][0]);
    const back = buildDiagramModel({ sizes: SEED_SIZES, params: trace.before, trace, phase: "backward", activation: ACT });
    expect(back.flow).toBe("backward");
    const shares = back.edges.map((e) => e.gradShare);
    expect(Math.max(...shares)).toBeLessThanOrEqual(1);
    back.edges.forEach((e) => expect(e.gradShare).toBeCloseTo(Math.abs(trace.grad[e.index]) / Math.max(...trace.grad.map(Math.abs)), 12));
  });
});

describe("input features in the diagram (issue 15)", () => {
  it("names each input after its feature and draws the hidden heatmaps for any feature list", () => {
    const model = buildDiagramModel({ sizes: [4, 3, 3], params: new Array(27).fill(0.1), activation: { hidden: "tanh", output: "softmax" }, features: ["x1", "x2", "x1^2", "x2^2"] });
    expect(model.nodes.filter((n) => n.layer === 0).map((n) => n.label)).toEqual(["x1", "x2", "x1²", "x2²"]);
    expect(model.nodes.filter((n) => n.layer === 1).every((n) => n.heatmap)).toBe(true);
    const plain = buildDiagramModel({ sizes: [4, 3, 3], params: new Array(27).fill(0.1), activation: { hidden: "tanh", output: "softmax" } });
    expect(plain.nodes.filter((n) => n.layer === 0).map((n) => n.label)).toEqual(["x1", "x2", "x3", "x4"]);
    expect(plain.nodes.some((n) => n.heatmap)).toBe(false);
  });
});
