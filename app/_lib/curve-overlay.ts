import type uPlot from "uplot";

/** One run's loss curve: steps ascending, the loss at each (null where it was not finite). */
export interface RunCurve {
  id: string;
  label: string;
  steps: readonly number[];
  loss: readonly (number | null)[];
  /** Where a point stands for a bucket of steps (the server's `/curve`): its lowest and highest loss. */
  low?: readonly (number | null)[];
  high?: readonly (number | null)[];
}

/** The overlay as uPlot draws it: one shared step column, one loss column per run, then the extents. */
export interface Overlay {
  data: uPlot.AlignedData;
  /** Runs in column order (column k + 1 is `runs[k]`). */
  runs: RunCurve[];
  /** Min/max columns of the runs that have buckets: `run` indexes `runs`, `low` and `high` index `data`. */
  extents: { run: number; low: number; high: number }[];
}

/** Most points one curve contributes (a 100,000-step session would make the x column huge). */
export const MAX_POINTS_PER_RUN = 500;

/**
 * At most `max` points of a curve, as the server's `/curve` route makes them: equal step ranges, each
 * drawn at its last step with the mean of its finite losses (null if it has none) and their lowest and
 * highest value (taking in the extents of points that already were buckets), so a spike survives as
 * the loss chart shows it. Short curves pass through untouched, so the live curve and a fetched one
 * look alike.
 */
export function bucketCurve(curve: RunCurve, max = MAX_POINTS_PER_RUN): RunCurve {
  const n = curve.steps.length;
  if (n <= max || max < 1) return curve;
  const first = curve.steps[0];
  const span = curve.steps[n - 1] - first + 1;
  const steps: number[] = [];
  const loss: (number | null)[] = [];
  const low: (number | null)[] = [];
  const high: (number | null)[] = [];
  let bucket = -1;
  let sum = 0;
  let count = 0;
  let min = Infinity;
  let max_ = -Infinity;
  const flush = (lastStep: number) => {
    steps.push(lastStep);
    loss.push(count > 0 ? sum / count : null);
    low.push(count > 0 ? min : null);
    high.push(count > 0 ? max_ : null);
  };
  for (let i = 0; i < n; i++) {
    const b = Math.min(max - 1, Math.floor(((curve.steps[i] - first) * max) / span));
    if (b !== bucket && bucket >= 0) {
      flush(curve.steps[i - 1]);
      sum = 0;
      count = 0;
      min = Infinity;
      max_ = -Infinity;
    }
    bucket = b;
    const v = curve.loss[i];
    if (v !== null && Number.isFinite(v)) {
      sum += v;
      count++;
      min = Math.min(min, finite(curve.low?.[i]) ?? v);
      max_ = Math.max(max_, finite(curve.high?.[i]) ?? v);
    }
  }
  flush(curve.steps[n - 1]);
  return { ...curve, steps, loss, low, high };
}

function finite(v: number | null | undefined): number | null {
  return v !== null && v !== undefined && Number.isFinite(v) ? v : null;
}

/**
 * Aligns the visible runs on one step axis (the sorted union of their steps): a run has null at the
 * steps it did not record, and the chart spans those gaps, so a fork that starts at step 40 is drawn
 * from step 40 and curves of different lengths share one plot.
 */
export function buildOverlay(curves: readonly RunCurve[], visible: ReadonlySet<string> | null = null): Overlay {
  const runs = curves.filter((c) => visible === null || visible.has(c.id)).map((c) => bucketCurve(c));
  const xs = [...new Set(runs.flatMap((r) => r.steps))].sort((a, b) => a - b);
  const at = new Map(xs.map((x, i) => [x, i]));
  const column = (r: RunCurve, values: readonly (number | null)[]) => {
    const col: (number | null)[] = new Array(xs.length).fill(null);
    r.steps.forEach((s, i) => {
      col[at.get(s)!] = finite(values[i]);
    });
    return col;
  };
  const columns = runs.map((r) => column(r, r.loss));
  const extents: Overlay["extents"] = [];
  runs.forEach((r, k) => {
    if (!r.low?.some((v) => v !== null) || !r.high) return;
    extents.push({ run: k, low: 1 + columns.length, high: 2 + columns.length });
    columns.push(column(r, r.low), column(r, r.high));
  });
  return { data: [xs, ...columns] as uPlot.AlignedData, runs, extents };
}

/** Line colours for runs, by position: the live session first, in the theme's own colours. */
export const RUN_COLOURS = ["--pos", "--neg", "--path", "--ok", "--grad", "--muted"] as const;

/** The CSS variable a run's line uses (cycled past the palette's end, dashed from the second lap). */
export function runStyle(index: number): { colourVar: (typeof RUN_COLOURS)[number]; dashed: boolean } {
  return { colourVar: RUN_COLOURS[index % RUN_COLOURS.length], dashed: index >= RUN_COLOURS.length };
}

/** A run's place in a family of forks: which run it was forked from, and at which of that run's steps. */
export interface RunLink {
  id: string;
  parentId: string | null;
  forkedAtStep: number | null;
}

/**
 * How far to shift each run along the step axis so a fork's curve continues from the step of its parent
 * it was forked at (a fork counts its own steps from 0). Runs whose parent is not shown start at 0;
 * a fork of a fork adds up the offsets.
 */
export function stepOffsets(links: readonly RunLink[]): Map<string, number> {
  const byId = new Map(links.map((l) => [l.id, l]));
  const out = new Map<string, number>();
  const offsetOf = (id: string, seen: Set<string>): number => {
    const known = out.get(id);
    if (known !== undefined) return known;
    const link = byId.get(id);
    let offset = 0;
    if (link && link.parentId !== null && link.forkedAtStep !== null && byId.has(link.parentId) && !seen.has(link.parentId)) {
      offset = link.forkedAtStep + offsetOf(link.parentId, new Set([...seen, id]));
    }
    out.set(id, offset);
    return offset;
  };
  for (const l of links) offsetOf(l.id, new Set([l.id]));
  return out;
}

/** The curve moved `offset` steps to the right. */
export function shiftCurve(curve: RunCurve, offset: number): RunCurve {
  return offset === 0 ? curve : { ...curve, steps: curve.steps.map((s) => s + offset) };
}
