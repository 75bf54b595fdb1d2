import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { configWithPoints } from "@/server/teaching/runs";

describe("data control on a network with input features (D2)", () => {
  const current = parseEngineConfig({ layers: [3, 2, 1], features: ["x1", "x2", "x1*x2"], dataset: { name: "circle" } });

  it("takes raw (x1, x2) points and computes the features from them", () => {
    const config = configWithPoints(current, [{ x: [0.5, -2], y: [1] }, { x: [1, 1], y: [0] }], 0);
    const t = new Trainer(config);
    expect(Array.from(t.data.train.x)).toEqual([0.5, -2, -1, 1, 1, 1]);
  });

  it("refuses points with as many inputs as features, naming the point", () => {
    expect(() => configWithPoints(current, [{ x: [1, 2, 3], y: [1] }])).toThrow("points[0].x: expected 2 inputs (x1, x2: the network's features are computed from them), got 3");
  });
});
