import { DEFAULT_GENERATED_SIZE, generatePoints, type EngineConfig, type Point } from "@/lib/engine";
import type { PlaneBounds } from "./field";

/** Most points an instructor's own dataset may hold (the server's limit as well). */
export const MAX_OWN_POINTS = 2000;

/**
 * Every point of a config's dataset (both splits, before shuffling): its own points, or the named
 * generator's output, which the first edit turns into an explicit list.
 */
export function datasetPoints(config: EngineConfig): Point[] {
  const spec = config.dataset;
  if ("points" in spec) return spec.points;
  return generatePoints(spec.name, spec.size ?? DEFAULT_GENERATED_SIZE, spec.noise, spec.seed);
}

/** Maps canvas pixels of a width × height drawing back to the plane (inverse of `toCanvas`). */
export function fromCanvas(bounds: PlaneBounds, width: number, height: number, px: number, py: number): [number, number] {
  return [bounds.xMin + (px / width) * (bounds.xMax - bounds.xMin), bounds.yMax - (py / height) * (bounds.yMax - bounds.yMin)];
}

/** Index of the point nearest to (x1, x2) within `radius` plane units, or −1. */
export function nearestPoint(points: readonly Point[], x1: number, x2: number, radius: number): number {
  let best = -1;
  let bestD = radius * radius;
  points.forEach((p, i) => {
    const d = (p.x[0] - x1) ** 2 + (p.x[1] - x2) ** 2;
    if (d <= bestD) {
      best = i;
      bestD = d;
    }
  });
  return best;
}

/** What a click on the plane does. */
export type EditMode = "add-1" | "add-0" | "remove";

/** The result of one edit: the new point list, or why nothing changed. */
export type EditResult = { ok: true; points: Point[]; message: string } | { ok: false; message: string };

/** Rounds a coordinate to 3 decimals: clicks are not more precise than that, and the CSV stays short. */
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/**
 * Applies a click at plane point (x1, x2): adds a point of class 1 or 0, or removes the nearest point
 * within `radius` (a modifier or right click removes whatever the mode). Never mutates `points`.
 */
export function editPoints(points: readonly Point[], mode: EditMode, x1: number, x2: number, radius: number): EditResult {
  if (mode === "remove") {
    const i = nearestPoint(points, x1, x2, radius);
    if (i < 0) return { ok: false, message: "No point there to remove." };
    if (points.length <= 2) return { ok: false, message: "A dataset needs at least two points." };
    const removed = points[i];
    return { ok: true, points: points.filter((_, k) => k !== i), message: `Removed the class ${removed.y[0] >= 0.5 ? 1 : 0} point at (${removed.x[0]}, ${removed.x[1]}).` };
  }
  if (points.length >= MAX_OWN_POINTS) return { ok: false, message: `At most ${MAX_OWN_POINTS} points.` };
  const label = mode === "add-1" ? 1 : 0;
  const p: Point = { x: [round3(x1), round3(x2)], y: [label] };
  return { ok: true, points: [...points, p], message: `Added a class ${label} point at (${p.x[0]}, ${p.x[1]}).` };
}

/** The points as CSV in the upload's format (x1,x2,label), for downloading and editing elsewhere. */
export function pointsToCsv(points: readonly Point[]): string {
  return ["x1,x2,label", ...points.map((p) => `${p.x[0]},${p.x[1]},${p.y[0]}`)].join("\n") + "\n";
}
