import { formatValue } from "@/app/_lib/format";

/** An answer a poll offers. */
export type PollAnswer = "up" | "down" | "stay";

/** What a poll asks: which way one parameter moves, or which way the loss goes, in the next step. */
export type PollQuestion = { kind: "param-direction"; param: string } | { kind: "loss-direction" };

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

/** The answers of a question, in the order the cards show them. */
export function answersOf(q: PollQuestion): PollAnswer[] {
  return q.kind === "param-direction" ? ["up", "down", "stay"] : ["up", "down"];
}

const ANSWER_LABEL: Record<PollAnswer, string> = { up: "↑ Up", down: "↓ Down", stay: "→ Stays" };

/** The label of an answer's button and bar. */
export function answerLabel(a: PollAnswer): string {
  return ANSWER_LABEL[a];
}

/** The question in words, as the room reads it. */
export function questionText(q: PollQuestion): string {
  return q.kind === "param-direction" ? `Which way will ${q.param} move in the next step?` : "Will the loss go up or down in the next step?";
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

/** The tally's bars for a question from the vote counts (missing answers count 0). */
export function tallyRows(q: PollQuestion, counts: Partial<Record<PollAnswer, number>>, correct: PollAnswer | null = null): { rows: TallyRow[]; total: number } {
  const answers = answersOf(q);
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

/** What actually happened in the revealed step. */
export interface PollOutcome {
  correct: PollAnswer;
  /** The quantity before and after the step (the parameter, or the batch loss). */
  before: number;
  after: number;
}

/** What a student's card says after the reveal. */
export interface StudentVerdict {
  kind: "right" | "wrong" | "no-vote";
  headline: string;
  detail: string;
}

/** "wo1 went up by 0.0123 (0.5 → 0.5123)" or "the loss went down by …". */
export function outcomeSentence(q: PollQuestion, o: PollOutcome): string {
  const what = q.kind === "param-direction" ? q.param : "The loss";
  const delta = o.after - o.before;
  const move = o.correct === "stay" ? "stayed put" : `went ${o.correct}`;
  const by = o.correct === "stay" ? `(changed by ${formatValue(delta)})` : `by ${formatValue(Math.abs(delta))}`;
  return `${what} ${move} ${by}: ${formatValue(o.before)} → ${formatValue(o.after)}.`;
}

/** The student's result: right or wrong against their own vote, and what happened. */
export function studentVerdict(q: PollQuestion, o: PollOutcome, myVote: PollAnswer | null): StudentVerdict {
  const detail = outcomeSentence(q, o);
  if (myVote === null) return { kind: "no-vote", headline: "You did not vote this time.", detail };
  if (myVote === o.correct) return { kind: "right", headline: "You were right!", detail };
  return { kind: "wrong", headline: `Not this time: you said ${ANSWER_LABEL[myVote].slice(2).toLowerCase()}.`, detail };
}
