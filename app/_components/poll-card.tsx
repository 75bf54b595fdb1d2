"use client";

import { useState } from "react";
import type { PollAnswer } from "@/lib/protocol";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { answerArrow, answerLabel, answerWord, studentVerdict } from "./poll-model";
import { PollRounds, PollTally } from "./poll-tally";

const VERDICT_STYLE = { right: "border-ok", wrong: "border-bad", "no-vote": "border-border", undecided: "border-border" } as const;
const VERDICT_ICON = { right: "✓", wrong: "✗", "no-vote": "•", undecided: "•" } as const;

/**
 * The student's poll card: the question with big tap targets, "answer locked" once the vote is in,
 * then the result against their own vote with the step's numbers. It sits at the top of the page, and
 * its height is reserved while a poll is on, so the panels below do not jump.
 */
export function PollCard({ store, client }: { store: SessionStore; client: SessionClient | null }) {
  const poll = useSessionValue(store, (v) => v.teaching.poll);
  const myVote = useSessionValue(store, (v) => v.teaching.myVote);
  const result = useSessionValue(store, (v) => v.teaching.result);
  const resultVote = useSessionValue(store, (v) => v.teaching.resultVote);
  const firstVote = useSessionValue(store, (v) => v.teaching.firstVote);
  const [sending, setSending] = useState<PollAnswer | null>(null);
  const [dismissed, setDismissed] = useState<string | null>(null);

  if (poll) {
    const vote = async (answer: PollAnswer) => {
      if (!client || myVote !== null || sending !== null) return;
      setSending(answer);
      try {
        await client.vote(poll.id, answer);
      } finally {
        setSending(null);
      }
    };
    return (
      <section className="rounded-xl border-2 border-accent bg-surface p-3 sm:p-4" aria-labelledby="poll-question" data-testid="poll-card">
        <p className="text-sm font-semibold text-accent" data-testid="poll-round">
          {poll.round === 2 ? `Round 2: talk it over with your neighbours, then vote again${firstVote ? ` (you said ${answerWord(firstVote).toLowerCase()})` : ""}` : `Predict step ${poll.step}`}
        </p>
        <h2 id="poll-question" className="mb-3 text-xl font-bold sm:text-2xl" data-testid="poll-question">
          {poll.question}
        </h2>
        <div className={`grid gap-2 ${poll.answers.length === 3 ? "grid-cols-3" : "grid-cols-2"}`} role="group" aria-label="Your answer">
          {poll.answers.map((a) => {
            const mine = myVote === a;
            return (
              <button
                key={a}
                type="button"
                onClick={() => vote(a)}
                disabled={myVote !== null || sending !== null || !client}
                aria-pressed={mine}
                className={`flex min-h-[4.5rem] flex-col items-center justify-center rounded-lg border-2 px-2 text-lg font-bold sm:text-xl ${mine ? "border-accent bg-accent text-accent-fg" : "border-border bg-surface-2 hover:border-accent"} disabled:cursor-default ${myVote !== null && !mine ? "opacity-40" : ""}`}
                data-testid={`poll-answer-${a}`}
              >
                <span aria-hidden className="text-2xl leading-none">
                  {answerArrow(a)}
                </span>
                <span>{answerWord(a)}</span>
              </button>
            );
          })}
        </div>
        <p className="mt-2 min-h-[1.5rem] text-sm" aria-live="polite">
          {myVote !== null ? (
            <span data-testid="poll-locked">
              ✓ Answer locked: <b>{answerLabel(myVote)}</b>. Wait for the reveal.
            </span>
          ) : sending !== null ? (
            "Sending…"
          ) : (
            <span className="text-muted">One answer each{poll.round === 2 ? " this round" : ""}; it cannot be changed.</span>
          )}
        </p>
      </section>
    );
  }

  if (result && dismissed !== result.pollId) {
    const verdict = studentVerdict(result, resultVote);
    return (
      <section className={`rounded-xl border-2 bg-surface p-3 sm:p-4 ${VERDICT_STYLE[verdict.kind]}`} aria-live="polite" data-testid="poll-result" data-verdict={verdict.kind}>
        <div className="flex items-start justify-between gap-2">
          <h2 className={`text-xl font-bold sm:text-2xl ${verdict.kind === "right" ? "text-ok" : verdict.kind === "wrong" ? "text-bad" : ""}`}>
            <span aria-hidden>{VERDICT_ICON[verdict.kind]} </span>
            {verdict.headline}
          </h2>
          <button type="button" className="rounded px-2 py-1 text-sm underline" onClick={() => setDismissed(result.pollId)}>
            Dismiss
          </button>
        </div>
        <p className="mt-1 text-lg">{verdict.detail}</p>
        <div className="mt-2">
          {result.rounds && result.moves ? <PollRounds kind={result.kind} first={result.rounds[0]} second={result.rounds[1]} moves={result.moves} correct={result.correct} /> : <PollTally kind={result.kind} counts={result.counts} correct={result.correct} />}
        </div>
      </section>
    );
  }
  return null;
}
