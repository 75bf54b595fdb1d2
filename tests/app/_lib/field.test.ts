import { describe, expect, it } from "vitest";
import { featureVector, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { classRgb, divergingRgb, toSigned } from "@/app/_lib/colour-scale";
import { classOf, paintField } from "@/app/_lib/field";

const bounds = { xMin: -6, xMax: 6, yMin: -6, yMax: 6 };
const SIZE = 8;

/** The pixel's plane point, as paintField samples it (pixel centres, row 0 at the top). */
function planePoint(row: number, col: number): [number, number] {
  return [bounds.xMin + ((col + 0.5) / SIZE) * 12, bounds.yMax - ((row + 0.5) / SIZE) * 12];
}

function pixel(out: Uint8ClampedArray, row: number, col: number): number[] {
  const k = (row * SIZE + col) * 4;
  return [out[k], out[k + 1], out[k + 2]];
}

describe("the field over the input plane", () => {
  it("feeds the network the features of each point, not the raw (x1, x2)", () => {
    const config = parseEngineConfig({ features: ["x1^2", "x2^2"], dataset: { name: "circle", seed: 3, noise: 0 }, init: { scheme: "xavier", seed: 9 } });
    const trainer = new Trainer(config);
    trainer.run(50);
    const out = paintField(trainer.net, trainer.theta, bounds, SIZE, { range: [0, 1], features: config.features });
    const raw = paintField(trainer.net, trainer.theta, bounds, SIZE, { range: [0, 1] });
    const x = new Float64Array(2);
    for (const [row, col] of [[0, 0], [3, 5], [7, 2]]) {
      const [x1, x2] = planePoint(row, col);
      featureVector(config.features!, x1, x2, x);
      trainer.net.forward(trainer.theta, x, 0);
      expect(pixel(out, row, col)).toEqual([...divergingRgb(toSigned(trainer.net.a[2][0], [0, 1]))]);
    }
    expect(Array.from(out)).not.toEqual(Array.from(raw));
  });

  it("paints the winning class of a softmax output, faded by how sure the network is", () => {
    const config = parseEngineConfig({ layers: [2, 6, 3], activation: { hidden: "tanh", output: "softmax" }, loss: "ce", dataset: { name: "gaussian", seed: 1, noise: 0, classes: 3 } });
    const trainer = new Trainer(config);
    trainer.run(2000);
    const out = paintField(trainer.net, trainer.theta, bounds, SIZE, { range: [0, 1], classes: true });
    const seen = new Set<number>();
    for (let row = 0; row < SIZE; row++) {
      for (let col = 0; col < SIZE; col++) {
        const [x1, x2] = planePoint(row, col);
        trainer.net.forward(trainer.theta, Float64Array.of(x1, x2), 0);
        const p = Array.from(trainer.net.a[2]);
        const best = classOf(p);
        seen.add(best);
        expect(pixel(out, row, col)).toEqual([...classRgb(best, Math.max(0, (p[best] - 1 / 3) / (2 / 3)))]);
      }
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it("names the class of a one-hot target", () => {
    expect(classOf([0, 0, 1, 0])).toBe(2);
    expect(classOf([1, 0])).toBe(0);
  });
});
