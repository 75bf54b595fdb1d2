import { describe, expect, it } from "vitest";
import { buildDataset, type Point } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { toCanvas } from "@/app/_lib/field";
import { datasetPoints, editPoints, fromCanvas, MAX_OWN_POINTS, nearestPoint, pointsToCsv } from "@/app/_lib/point-edit";

const bounds = { xMin: -2, xMax: 2, yMin: -1, yMax: 3 };
const points: Point[] = [
  { x: [0, 0], y: [0] },
  { x: [1, 1], y: [1] },
  { x: [1, 0], y: [1] },
];

describe("point editing on the plane", () => {
  it("maps canvas pixels back to the plane (inverse of toCanvas)", () => {
    const [px, py] = toCanvas(bounds, 480, 480, 0.75, 1.5);
    const [x1, x2] = fromCanvas(bounds, 480, 480, px, py);
    expect(x1).toBeCloseTo(0.75, 12);
    expect(x2).toBeCloseTo(1.5, 12);
  });

  it("finds the nearest point within the radius only", () => {
    expect(nearestPoint(points, 0.9, 0.95, 0.2)).toBe(1);
    expect(nearestPoint(points, 0.5, 0.5, 0.2)).toBe(-1);
  });

  it("adds a point of the chosen class, rounded, without touching the old list", () => {
    const r = editPoints(points, "add-1", 0.12345, -0.5557, 0.1);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.points.at(-1)).toEqual({ x: [0.123, -0.556], y: [1] });
    expect(r.points).toHaveLength(4);
    expect(points).toHaveLength(3);
    const zero = editPoints(points, "add-0", 0, 0, 0.1);
    expect(zero.ok && zero.points.at(-1)!.y).toEqual([0]);
  });

  it("removes the nearest point, and says why when nothing is there", () => {
    const r = editPoints(points, "remove", 1.02, 0.01, 0.1);
    expect(r.ok && r.points).toEqual([points[0], points[1]]);
    expect(editPoints(points, "remove", 5, 5, 0.1)).toEqual({ ok: false, message: "No point there to remove." });
    expect(editPoints(points.slice(0, 2), "remove", 0, 0, 0.1).ok).toBe(false);
  });

  it(`refuses a point beyond ${MAX_OWN_POINTS}`, () => {
    const full = Array.from({ length: MAX_OWN_POINTS }, (_, i): Point => ({ x: [i, 0], y: [i % 2] }));
    expect(editPoints(full, "add-1", 0, 0, 0.1)).toEqual({ ok: false, message: `At most ${MAX_OWN_POINTS} points.` });
  });

  it("writes the upload's CSV format", () => {
    expect(pointsToCsv(points)).toBe("x1,x2,label\n0,0,0\n1,1,1\n1,0,1\n");
  });
});

describe("the dataset as a point list", () => {
  it("is the explicit points, or every generated point (both splits) for a named dataset", () => {
    const xor = parseEngineConfig({});
    expect(datasetPoints(xor)).toHaveLength(4);
    const circle = parseEngineConfig({ layers: [2, 3, 1], dataset: { name: "circle", size: 50, noise: 0.1, seed: 3 } });
    const built = buildDataset(circle.dataset);
    expect(datasetPoints(circle)).toHaveLength(built.train.n + built.test.n);
    const own = parseEngineConfig({ dataset: { points, seed: 1 } });
    expect(datasetPoints(own)).toEqual(points);
  });
});
