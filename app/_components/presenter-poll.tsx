"use client";

import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { outcomeSentence } from "./poll-model";
import { PollRounds, PollTally } from "./poll-tally";

/**
 * The poll as the projector shows it, above the panels: the question with the live tally while the
 * room votes, then what the step did with the right answer marked. Hidden when no poll is on.
 */
export function PresenterPoll({ store }: { store: SessionStore }) {
  const poll = useSessionValue(store, (v) => v.teaching.poll);
  const tally = useSessionValue(store, (v) => v.teaching.tally);
  const result = useSessionValue(store, (v) => v.teaching.result);
  if (poll) {
    return (
      <section className="grid grid-cols-1 gap-3 rounded-xl border-2 border-accent bg-surface p-3 sm:p-4 lg:grid-cols-[1fr_minmax(22rem,36rem)]" aria-labelledby="presenter-poll-title" data-testid="presenter-poll" data-poll-state="open">
        <div>
          <p className="text-sm font-semibold text-accent">{poll.round === 2 ? `Round 2: discuss with your neighbours, then vote again on step ${poll.step}` : `Predict step ${poll.step} — answer on your phone`}</p>
          <h2 id="presenter-poll-title" className="text-2xl font-bold lg:text-3xl">
            {poll.question}
          </h2>
          <p className="mt-2 text-muted" aria-live="polite">
            {tally ? `${tally.votes} of ${tally.students} students voted.` : "Waiting for votes…"}
          </p>
        </div>
        {tally?.first && tally.moves ? <PollRounds kind={poll.kind} first={tally.first} second={tally} moves={tally.moves} large /> : <PollTally kind={poll.kind} counts={tally?.counts ?? {}} large />}
      </section>
    );
  }
  if (result) {
    return (
      <section className="grid grid-cols-1 gap-3 rounded-xl border-2 border-ok bg-surface p-3 sm:p-4 lg:grid-cols-[1fr_minmax(22rem,36rem)]" aria-labelledby="presenter-poll-title" data-testid="presenter-poll" data-poll-state="revealed">
        <div>
          <p className="text-sm font-semibold text-ok">Step {result.step}: revealed</p>
          <h2 id="presenter-poll-title" className="text-2xl font-bold lg:text-3xl" data-testid="presenter-outcome">
            {outcomeSentence(result)}
          </h2>
          <p className="mt-2 text-sm text-muted">{result.explanation}</p>
          <button type="button" className="mt-2 rounded border border-border px-3 py-1 text-sm hover:bg-surface-2" onClick={() => store.dismissPollResult()} data-testid="poll-dismiss">
            Dismiss result
          </button>
        </div>
        {result.rounds && result.moves ? <PollRounds kind={result.kind} first={result.rounds[0]} second={result.rounds[1]} moves={result.moves} correct={result.correct} large /> : <PollTally kind={result.kind} counts={result.counts} correct={result.correct} large />}
      </section>
    );
  }
  return null;
}
