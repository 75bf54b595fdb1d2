import type { PollResult } from "@/lib/protocol";
import { POLL_ANSWERS, type PollAnswer, type PollKind } from "@/lib/wire";
import { formatValue } from "@/app/_lib/format";

/** One bar of the tally. */
export interface TallyRow {
  answer: PollAnswer;
  label: string;
  count: number;
  /** count / total, 0 when nobody voted. */
  share: number;
  /** Whole percent, the rows summing to 100 (largest remainder), or "—" when nobody voted. */
  percent: string;
  /** The right answer, once revealed. */
  correct: boolean;
}

const ANSWER_LABEL: Record<PollAnswer, string> = { up: "↑ Up", down: "↓ Down", stay: "→ Stays" };
const ANSWER_WORD: Record<PollAnswer, string> = { up: "up", down: "down", stay: "stays" };

/** The arrow of an answer (drawn above its word on the answer buttons). */
export function answerArrow(a: PollAnswer): string {
  return ANSWER_LABEL[a].slice(0, 1);
}

/** An answer's word, capitalised: Up, Down, Stays. */
export function answerWord(a: PollAnswer): string {
  return ANSWER_LABEL[a].slice(2);
}

/** The label of an answer's button and bar. */
export function answerLabel(a: PollAnswer): string {
  return ANSWER_LABEL[a];
}

/**
 * Percentages that add up to exactly 100: floor each, then give the leftover points to the largest
 * remainders (ties to the earlier answer), so the bars never read 33 + 33 + 33 = 99.
 */
export function wholePercents(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => 0);
  const exact = counts.map((c) => (c * 100) / total);
  const floors = exact.map(Math.floor);
  let left = 100 - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - floors[i], i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    floors[i]++;
    left--;
  }
  return floors;
}

/** The tally's bars for a poll kind from the vote counts (answers the kind does not offer are ignored). */
export function tallyRows(kind: PollKind, counts: Partial<Record<PollAnswer, number>>, correct: PollAnswer | null = null): { rows: TallyRow[]; total: number } {
  const answers = POLL_ANSWERS[kind];
  const values = answers.map((a) => Math.max(0, Math.trunc(counts[a] ?? 0)));
  const total = values.reduce((a, b) => a + b, 0);
  const percents = wholePercents(values);
  const rows = answers.map((answer, i) => ({
    answer,
    label: ANSWER_LABEL[answer],
    count: values[i],
    share: total === 0 ? 0 : values[i] / total,
    percent: total === 0 ? "—" : `${percents[i]}%`,
    correct: correct === answer,
  }));
  return { rows, total };
}

/** "wo1 went up by 0.0123: 0.5 → 0.5123." or "The loss went down by …". */
export function outcomeSentence(r: Pick<PollResult, "kind" | "param" | "correct" | "before" | "after">): string {
  const what = r.kind === "param-direction" ? (r.param ?? "The parameter") : "The loss";
  const numbers = `${formatValue(r.before)} → ${formatValue(r.after)}`;
  if (r.correct === null) return `${what} did not change: ${numbers}.`;
  if (r.correct === "stay") return `${what} stayed put (changed by ${formatValue(r.after - r.before)}): ${numbers}.`;
  return `${what} went ${r.correct} by ${formatValue(Math.abs(r.after - r.before))}: ${numbers}.`;
}

/** What a student's card says after the reveal. */
export interface StudentVerdict {
  kind: "right" | "wrong" | "no-vote" | "undecided";
  headline: string;
  detail: string;
}

/** The student's result: their own vote against what the step actually did. */
export function studentVerdict(r: Pick<PollResult, "kind" | "param" | "correct" | "before" | "after">, myVote: PollAnswer | null): StudentVerdict {
  const detail = outcomeSentence(r);
  if (r.correct === null) return { kind: "undecided", headline: "No winner this time.", detail };
  if (myVote === null) return { kind: "no-vote", headline: "You did not vote this time.", detail };
  if (myVote === r.correct) return { kind: "right", headline: "You were right!", detail };
  return { kind: "wrong", headline: `Not this time: you said ${ANSWER_WORD[myVote]}.`, detail };
}
