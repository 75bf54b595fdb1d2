import { describe, expect, it } from "vitest";
import { buildDataset, datasetShape, generatePoints } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

describe("datasets", () => {
  it("the logic gates are the four corners with 0/1 targets", () => {
    const truth = (name: "xor" | "and" | "or" | "nand") => generatePoints(name, 0, 0, 0).map((p) => `${p.x.join("")}→${p.y[0]}`);
    expect(truth("xor")).toEqual(["00→0", "01→1", "10→1", "11→0"]);
    expect(truth("and")).toEqual(["00→0", "01→0", "10→0", "11→1"]);
    expect(truth("or")).toEqual(["00→0", "01→1", "10→1", "11→1"]);
    expect(truth("nand")).toEqual(["00→1", "01→1", "10→1", "11→0"]);
  });

  for (const name of ["circle", "xor-cloud", "gaussian", "spiral"] as const) {
    it(`${name}: seeded, sized, both classes present, split by testRatio`, () => {
      const spec = parseEngineConfig({ dataset: { name, size: 300, noise: 0.2, testRatio: 0.25, seed: 3 } }).dataset;
      const a = buildDataset(spec);
      const b = buildDataset(spec);
      expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
      expect(a.train.n + a.test.n).toBe(300);
      expect(a.test.n).toBe(75);
      const labels = new Set(Array.from(a.train.y));
      expect(labels).toEqual(new Set([0, 1]));
      expect(datasetShape(spec)).toEqual({ inputDim: 2, targetDim: 1, size: 300, trainSize: 225 });
      const other = buildDataset({ ...spec, seed: 4 });
      expect(Array.from(other.train.x)).not.toEqual(Array.from(a.train.x));
    });
  }

  it("explicit points keep their dimensions and, without testRatio, all train", () => {
    const d = buildDataset(parseEngineConfig({ layers: [3, 2], dataset: { points: [{ x: [1, 2, 3], y: [0, 1] }] } }).dataset);
    expect([d.inputDim, d.targetDim, d.train.n, d.test.n]).toEqual([3, 2, 1, 0]);
  });
});
