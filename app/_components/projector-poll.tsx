"use client";

import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { answerLabel, outcomeSentence } from "./poll-model";
import { PollRounds, PollTally } from "./poll-tally";

/**
 * The poll on the projector: the question and its answers while the room votes (no tally, so nobody
 * herds: the projector joins as a student and never receives one), then the outcome with the counts.
 */
export function ProjectorPoll({ store }: { store: SessionStore }) {
  const poll = useSessionValue(store, (v) => v.teaching.poll);
  const result = useSessionValue(store, (v) => v.teaching.result);
  if (poll) {
    return (
      <div className="flex h-full flex-col justify-center gap-6 px-8" data-testid="projector-poll" data-poll-state="open">
        <p className="text-base font-semibold text-accent" data-proj-label>
          {poll.round === 2 ? `Round 2: discuss with your neighbours, then vote again on step ${poll.step}` : `Predict step ${poll.step}: answer on your phone`}
        </p>
        <h2 className="text-2xl font-bold" data-proj-label>{poll.question}</h2>
        <ul className="flex gap-6 text-xl font-semibold" aria-label="Answers">
          {poll.answers.map((a) => (
            <li key={a} className="rounded-xl border-2 border-border px-6 py-3" data-proj-label>
              {answerLabel(a)}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (result) {
    return (
      <div className="grid h-full grid-cols-[1fr_1fr] items-center gap-8 px-8" data-testid="projector-poll" data-poll-state="revealed">
        <div>
          <p className="text-base font-semibold text-ok" data-proj-label>Step {result.step}: revealed</p>
          <h2 className="text-2xl font-bold" data-proj-label>{outcomeSentence(result)}</h2>
          <p className="mt-4 text-sm text-muted" data-proj-label>{result.explanation}</p>
        </div>
        <div className="text-base">
          {result.rounds && result.moves ? <PollRounds kind={result.kind} first={result.rounds[0]} second={result.rounds[1]} moves={result.moves} correct={result.correct} large /> : <PollTally kind={result.kind} counts={result.counts} correct={result.correct} large />}
        </div>
      </div>
    );
  }
  return (
    <p className="flex h-full items-center justify-center text-xl text-muted" data-proj-label>
      No poll right now.
    </p>
  );
}
