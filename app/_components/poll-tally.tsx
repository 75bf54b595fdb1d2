import type { PollAnswer, PollKind, PollMove, PollRound } from "@/lib/protocol";
import { moveLabel, roundRows, switchedCount, tallyRows } from "./poll-model";

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

/**
 * Peer instruction's two rounds side by side (Q12–Q13): each answer's votes before and after the
 * discussion, and how many moved from one answer to another (numbers only, never names).
 */
export function PollRounds({ kind, first, second, moves, correct = null, large = false }: { kind: PollKind; first: PollRound; second: PollRound; moves: readonly PollMove[]; correct?: PollAnswer | null; large?: boolean }) {
  const rows = roundRows(kind, first.counts, second.counts, correct);
  const { switched, both } = switchedCount(moves);
  return (
    <div className={`flex flex-col gap-2 ${large ? "text-lg" : "text-sm"}`} data-testid="poll-rounds">
      <table className="w-full border-collapse">
        <caption className="text-left text-muted">Before and after discussing</caption>
        <thead>
          <tr className="text-left">
            <th scope="col">Answer</th>
            <th scope="col" className="text-right">Round 1</th>
            <th scope="col" className="text-right">Round 2</th>
            <th scope="col" className="text-right">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.answer} data-testid={`round-${r.answer}`} data-first={r.first} data-second={r.second}>
              <th scope="row" className={`text-left font-semibold ${r.correct ? "text-ok" : ""}`}>
                {r.label}
                {r.correct ? " ✓" : ""}
              </th>
              <td className="num text-right">{r.first}</td>
              <td className="num text-right">{r.second}</td>
              <td className="num text-right">{r.change > 0 ? `+${r.change}` : r.change < 0 ? `−${-r.change}` : "0"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="text-muted" data-testid="poll-switched">
        {both === 0 ? "Nobody voted in both rounds yet." : `${switched} of ${both} who voted twice changed their answer.`}
      </p>
      {moves.length > 0 ? (
        <ul className="flex flex-wrap gap-x-4 gap-y-1" aria-label="How answers moved">
          {moves.map((m) => (
            <li key={`${m.from}-${m.to}`} className="num" data-testid="poll-move">
              {moveLabel(m)}: <b>{m.count}</b>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
