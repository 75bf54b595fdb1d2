/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurvePoint = [number, number, number, number];

/**
 * Downsamples [step, loss] points (in step order) to at most `buckets` points over equal step ranges:
 * each bucket's last step, mean, min and max (min/max keep a divergence spike visible). Non-finite
 * losses are skipped.
 */
export function downsampleCurve(points: readonly [number, number][], buckets: number): CurvePoint[] {
  const finite = points.filter(([, l]) => Number.isFinite(l));
  if (finite.length <= buckets) return finite.map(([s, l]) => [s, l, l, l]);
  const first = finite[0][0];
  const span = finite[finite.length - 1][0] - first + 1;
  const out: CurvePoint[] = [];
  let current = -1;
  let sum = 0;
  let n = 0;
  let min = Infinity;
  let max = -Infinity;
  let last = 0;
  const flush = () => {
    if (n > 0) out.push([last, sum / n, min, max]);
  };
  for (const [s, l] of finite) {
    const b = Math.min(buckets - 1, Math.floor(((s - first) / span) * buckets));
    if (b !== current) {
      flush();
      current = b;
      sum = 0;
      n = 0;
      min = Infinity;
      max = -Infinity;
    }
    sum += l;
    n++;
    min = Math.min(min, l);
    max = Math.max(max, l);
    last = s;
  }
  flush();
  return out;
}
