import type { PollAnswer, PollKind } from "@/lib/protocol";
import { tallyRows } from "./poll-model";

/**
 * The live tally as horizontal bars, one per answer, each with its count and a percentage that adds up
 * to 100. Fixed row heights and a width transition: bars grow as votes arrive, nothing else moves.
 */
export function PollTally({ kind, counts, correct = null, large = false }: { kind: PollKind; counts: Partial<Record<PollAnswer, number>>; correct?: PollAnswer | null; large?: boolean }) {
  const { rows, total } = tallyRows(kind, counts, correct);
  return (
    <div className="flex flex-col gap-2" data-testid="poll-tally" data-total={total}>
      <ul className="flex flex-col gap-1.5" aria-label="Votes so far">
        {rows.map((r) => (
          <li key={r.answer} className={`grid grid-cols-[6.5rem_1fr_4.5rem] items-center gap-2 ${large ? "text-lg" : "text-sm"}`} data-testid={`tally-${r.answer}`} data-count={r.count} data-correct={r.correct}>
            <span className={`font-semibold ${r.correct ? "text-ok" : ""}`}>
              {r.label}
              {r.correct ? " ✓" : ""}
            </span>
            <span className={`relative ${large ? "h-7" : "h-5"} overflow-hidden rounded bg-surface-2`} aria-hidden>
              <span className={`absolute inset-y-0 left-0 rounded transition-[width] duration-300 ${r.correct ? "bg-ok" : correct ? "bg-muted/60" : "bg-accent"}`} style={{ width: `${(r.share * 100).toFixed(1)}%` }} />
            </span>
            <span className="num text-right">
              <span data-testid={`tally-count-${r.answer}`}>{r.count}</span> · {r.percent}
            </span>
          </li>
        ))}
      </ul>
      <p className="text-sm text-muted">
        <span className="num" data-testid="tally-total">
          {total}
        </span>{" "}
        {total === 1 ? "vote" : "votes"}
      </p>
    </div>
  );
}
