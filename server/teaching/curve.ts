/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurvePoint = [number, number, number, number];

/** Numbers per curve item in a flat array: last step, steps, loss sum, min loss, max loss. */
export const ITEM_FIELDS = 5;

/**
 * Groups curve items (each a stretch of steps already summed up: a rollup range, a pre-grouped tail,
 * or one step) into at most `buckets` equal step ranges over [first, end), each item in the range of
 * its last step (bucket ⌊(step − first) × buckets / (end − first)⌋): per range the last step, the
 * mean (total sum over total steps), min and max. Items must be in step order and in [first, end).
 */
export function mergeCurve(items: Float64Array, first: number, end: number, buckets: number): CurvePoint[] {
  const out: CurvePoint[] = [];
  let current = -1;
  let last = 0;
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const span = end - first;
  const flush = () => {
    if (n > 0) out.push([last, sum / n, min, max]);
  };
  for (let k = 0; k + ITEM_FIELDS <= items.length; k += ITEM_FIELDS) {
    const step = items[k];
    // Exact in integers (steps < 2^31, buckets ≤ 5000: products < 2^53), as readLossItems groups in SQL.
    const b = Math.floor(((step - first) * buckets) / span);
    if (b !== current) {
      flush();
      current = b;
      n = 0;
      sum = 0;
      min = Infinity;
      max = -Infinity;
    }
    last = step;
    n += items[k + 1];
    sum += items[k + 2];
    if (items[k + 3] < min) min = items[k + 3];
    if (items[k + 4] > max) max = items[k + 4];
  }
  flush();
  return out;
}

/**
 * Downsamples [step, loss] points (in step order) to at most `buckets` points over equal step ranges,
 * as mergeCurve does (min/max keep a divergence spike visible). Non-finite losses are skipped.
 */
export function downsampleCurve(points: readonly [number, number][], buckets: number): CurvePoint[] {
  const finite = points.filter(([, l]) => Number.isFinite(l));
  if (finite.length <= buckets) return finite.map(([s, l]) => [s, l, l, l]);
  const items = new Float64Array(finite.length * ITEM_FIELDS);
  finite.forEach(([s, l], k) => items.set([s, 1, l, l, l], k * ITEM_FIELDS));
  return mergeCurve(items, finite[0][0], finite[finite.length - 1][0] + 1, buckets);
}
