import { createLayout, describeParams } from "@/lib/engine";
import { formatNumber } from "@/lib/explain";
import { lossAt } from "@/lib/gradient-check";
import { POLL_STAY_TOLERANCE, type PollAnswer, type PollResult, type PollRound, type PollView } from "@/lib/protocol";
import type { LiveSession, RevealedStep } from "../sessions/live-session";

/** Decides a poll from the step that ran (Q7). */
export function decidePoll(session: LiveSession, view: PollView, ran: RevealedStep, tally: PollRound & Pick<PollResult, "rounds" | "moves">): PollResult {
  const base = { pollId: view.id, kind: view.kind, param: view.param, step: ran.step, ...tally };
  const f = formatNumber;
  if (view.kind === "param-direction") {
    const index = describeParams(createLayout(session.config.layers)).find((p) => p.name === view.param)!.index;
    const before = ran.before[index];
    const after = ran.after[index];
    if (ran.diverged) return { ...base, correct: null, before, after: before, explanation: `Step ${ran.step} would have made the loss or a parameter non-finite, so it was not applied and ${view.param} did not move: no answer is right.` };
    const delta = after - before;
    const tolerance = POLL_STAY_TOLERANCE * Math.max(1, Math.abs(before));
    const correct: PollAnswer = Math.abs(delta) <= tolerance ? "stay" : delta > 0 ? "up" : "down";
    return { ...base, correct, before, after, explanation: `${view.param} went from ${f(before)} to ${f(after)} (Δ = ${f(delta)}); "stay" means |Δ| ≤ ${f(tolerance)}, so the answer is ${correct}.` };
  }
  const before = lossAt(session.config, ran.before, ran.examples);
  if (ran.diverged) return { ...base, correct: null, before, after: before, explanation: `Step ${ran.step} would have made the loss non-finite, so it was not applied: no answer is right.` };
  const after = lossAt(session.config, ran.after, ran.examples);
  const correct: PollAnswer | null = after > before ? "up" : after < before ? "down" : null;
  return { ...base, correct, before, after, explanation: `On this step's ${ran.examples.length === 1 ? "example" : `${ran.examples.length} examples`} the loss went from ${f(before)} to ${f(after)}${correct ? `: ${correct}` : ": unchanged, so no answer is right"}.` };
}
