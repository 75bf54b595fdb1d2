/**
 * Counting a poll's rounds (peer instruction, Q11–Q13): each round's answer counts, and how the
 * answers moved from round 1 to round 2, one count per pair of answers. Pure: the server's tally,
 * its stored listing and the browser's result panel use the same functions.
 */
import type { PollAnswer, PollMove, PollRound } from "./protocol";

/** The answers in the order moves are listed. */
const ORDER: readonly PollAnswer[] = ["up", "down", "stay"];

/** Each answer's count and the number of votes. */
export function countRound(votes: Iterable<{ answer: PollAnswer }>): PollRound {
  const counts: Record<PollAnswer, number> = { up: 0, down: 0, stay: 0 };
  let total = 0;
  for (const v of votes) {
    counts[v.answer]++;
    total++;
  }
  return { counts, votes: total };
}

/**
 * How the round-2 voters moved: for each (round-1 answer or null for "did not vote", round-2 answer)
 * pair, how many voters; zero pairs left out; stays first (A→A), then by answer order.
 */
export function countMoves(first: ReadonlyMap<string, { answer: PollAnswer }>, second: ReadonlyMap<string, { answer: PollAnswer }>): PollMove[] {
  const byPair = new Map<string, PollMove>();
  for (const [voterId, v] of second) {
    const from = first.get(voterId)?.answer ?? null;
    const key = `${from}>${v.answer}`;
    const move = byPair.get(key) ?? { from, to: v.answer, count: 0 };
    move.count++;
    byPair.set(key, move);
  }
  const rank = (m: PollMove) => (m.from === m.to ? 0 : 1) * 100 + (m.from === null ? 3 : ORDER.indexOf(m.from)) * 10 + ORDER.indexOf(m.to);
  return [...byPair.values()].sort((a, b) => rank(a) - rank(b));
}

/** "up→down"-style label of a move ("new→up" for a voter who did not vote in round 1). */
export function describeMove(m: PollMove): string {
  return `${m.from ?? "new"}→${m.to}`;
}
