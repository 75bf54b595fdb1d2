"use client";

import { useState } from "react";
import type { PollKind } from "@/lib/protocol";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const BUTTON = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50";
const PRIMARY = "rounded-md bg-accent px-4 py-2 font-semibold text-accent-fg disabled:opacity-50";

/** Why a poll cannot be opened now (Q2), or null. */
function blockedReason(state: string, phase: boolean, connected: boolean): string | null {
  if (!connected) return "Not connected.";
  if (state === "playing") return "Pause first: a poll asks about the next step before it runs.";
  if (state === "diverged") return "The run diverged: reset or change the learning rate first.";
  if (state === "finished") return "The session has ended.";
  if (phase) return "Finish walking the current step first.";
  return null;
}

/**
 * Predict-then-reveal for the instructor: ask which way a parameter (the one selected in the diagram or
 * table, or any from the list) or the loss will move in the next step, then reveal: the step runs and the
 * room sees the answer. The tally and the outcome are shown large above the panels (PresenterPoll).
 */
export function PollPanel({ store, client, names, selected }: { store: SessionStore; client: SessionClient | null; names: readonly string[]; selected: number | null }) {
  const poll = useSessionValue(store, (v) => v.teaching.poll);
  const tally = useSessionValue(store, (v) => v.teaching.tally);
  const result = useSessionValue(store, (v) => v.teaching.result);
  const state = useSessionValue(store, (v) => v.state);
  // The last phase stays on show after its step frame: the walk is over once that step has arrived.
  const walking = useSessionValue(store, (v) => v.phase !== null && v.phase.step > (v.latest?.step ?? 0));
  const connected = useSessionValue(store, (v) => v.connection === "live");
  const participants = useSessionValue(store, (v) => v.participants);
  const [kind, setKind] = useState<PollKind>("param-direction");
  const [chosen, setChosen] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The parameter follows the diagram's selection until the instructor picks one from the list.
  const param = chosen ?? (selected !== null ? names[selected] : undefined) ?? names.find((n) => n === "wo1") ?? names[0] ?? "";
  const blocked = blockedReason(state, walking, connected && client !== null);

  const run = async (action: () => Promise<unknown> | undefined) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };

  if (poll) {
    return (
      <section aria-labelledby="poll-title" className="flex flex-col gap-3" data-testid="poll-panel" data-poll-state="open">
        <h2 id="poll-title" className="text-lg font-semibold">
          Poll: step <span className="num">{poll.step}</span>
          {poll.round === 2 ? <span data-testid="poll-panel-round"> · round 2</span> : null}
        </h2>
        <p className="text-lg font-semibold" data-testid="poll-panel-question">
          {poll.question}
        </p>
        <p className="text-sm text-muted" aria-live="polite" data-testid="poll-panel-votes">
          {tally ? `${tally.votes} of ${tally.students} connected students voted${poll.round === 2 ? " again" : ""}.` : `Waiting for votes (${Math.max(0, participants - 1)} connected).`}
        </p>
        {poll.round === 1 ? <p className="text-sm text-muted">Peer instruction: close this vote, let neighbours convince each other, and ask the same question again before the reveal.</p> : null}
        <div className="flex flex-wrap gap-2">
          <button type="button" className={PRIMARY} disabled={busy || !client} onClick={() => run(() => client?.revealPoll(poll.id))} data-testid="poll-reveal">
            Reveal: run the step
          </button>
          {poll.round === 1 ? (
            <button type="button" className={BUTTON} disabled={busy || !client} onClick={() => run(() => client?.pollAgain(poll.id))} data-testid="poll-again">
              Discuss and vote again
            </button>
          ) : null}
          <button type="button" className={BUTTON} disabled={busy || !client} onClick={() => run(() => client?.cancelPoll(poll.id))} data-testid="poll-cancel">
            Cancel poll
          </button>
        </div>
      </section>
    );
  }

  return (
    <section aria-labelledby="poll-title" className="flex flex-col gap-3" data-testid="poll-panel" data-poll-state={result ? "revealed" : "none"}>
      <h2 id="poll-title" className="text-lg font-semibold">
        Predict, then reveal
      </h2>
      <form
        className="flex flex-col gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => client?.openPoll(kind === "param-direction" ? { kind, param } : { kind }));
        }}
      >
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">Ask the room about the next step</legend>
          <label className="flex flex-wrap items-center gap-2">
            <input type="radio" name="poll-kind" checked={kind === "param-direction"} onChange={() => setKind("param-direction")} data-testid="poll-kind-param" />
            Which way will
            <select
              value={param}
              onChange={(e) => {
                setChosen(e.target.value);
                setKind("param-direction");
              }}
              className="rounded border border-border bg-surface px-2 py-1 font-mono"
              aria-label="Parameter to ask about"
              data-testid="poll-param"
            >
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
            move?
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="poll-kind" checked={kind === "loss-direction"} onChange={() => setKind("loss-direction")} data-testid="poll-kind-loss" />
            Will the loss go up or down?
          </label>
        </fieldset>
        <div>
          <button type="submit" className={PRIMARY} disabled={busy || blocked !== null || names.length === 0} data-testid="poll-open">
            Open poll
          </button>
        </div>
        <p className="min-h-[1.25rem] text-sm text-muted" data-testid="poll-blocked">
          {blocked ?? "Tip: select a parameter in the diagram or the table to ask about it."}
        </p>
      </form>
    </section>
  );
}
