import { formatValue } from "@/app/_lib/format";

/** Smallest magnitude the bars resolve; anything below is drawn as an empty bar. */
const FLOOR = 1e-8;

/** Bar width (0…1) of a value on a log scale from FLOOR to the largest value shown. */
export function logShare(v: number, max: number): number {
  if (!(v > FLOOR) || !(max > FLOOR)) return 0;
  return Math.max(0, Math.min(1, (Math.log10(v) - Math.log10(FLOOR)) / (Math.log10(max) - Math.log10(FLOOR))));
}

/**
 * Mean |∂L/∂w| of each weight layer (input→hidden first) on a log scale: with saturated sigmoids the
 * layers nearest the input get gradients orders of magnitude smaller, so they barely learn.
 */
export function LayerNorms({ norms }: { norms: readonly number[] }) {
  const max = Math.max(...norms.filter(Number.isFinite), FLOOR * 10);
  return (
    <section className="flex flex-col gap-1" aria-labelledby="layer-norms-title" data-testid="layer-norms">
      <h3 id="layer-norms-title" className="font-semibold">
        Mean |∂L/∂w| per layer <span className="text-sm font-normal text-muted">(log scale)</span>
      </h3>
      <ul className="flex flex-col gap-1 text-sm">
        {norms.map((v, l) => (
          <li key={l} className="grid grid-cols-[5.5rem_1fr_6rem] items-center gap-2" data-testid={`layer-norm-${l + 1}`}>
            <span>
              W{l + 1} {l === 0 ? "(input)" : l === norms.length - 1 ? "(output)" : ""}
            </span>
            <span className="relative h-4 overflow-hidden rounded bg-surface-2" aria-hidden>
              <span className="absolute inset-y-0 left-0 rounded bg-grad transition-[width] duration-200" style={{ width: `${(logShare(v, max) * 100).toFixed(1)}%` }} />
            </span>
            <span className="num text-right">{formatValue(v, 2)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
