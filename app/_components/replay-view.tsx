"use client";

import { useEffect, useRef, useState } from "react";
import { ApiError, fetchHyperChanges, fetchSession, fetchSteps, type StoredSession } from "@/app/_lib/api";
import { createFrameScheduler } from "@/app/_lib/frame-scheduler";
import { ReplayHistory } from "@/app/_lib/replay-history";
import { Replayer } from "@/app/_lib/replayer";
import { SessionStore } from "@/app/_lib/session-store";
import type { SessionProblem } from "@/app/_lib/session-types";
import { ProblemNotice } from "./problem-notice";
import { ReplayTimeline } from "./replay-timeline";
import { SessionPanels } from "./session-panels";
import { ThemeToggle } from "./theme-toggle";

/** Stored metrics come back through the database's decimal text form, which may drop a double's last bit. */
const LOSS_TOLERANCE = 1e-12;

function sameLoss(recorded: number, local: number): boolean {
  return Math.abs(recorded - local) <= LOSS_TOLERANCE * Math.max(1, Math.abs(local));
}

/** Recorded metric rows fetched per request. */
const STEPS_PAGE = 5000;
/** Recorded points loaded for the chart at most. */
const MAX_RECORDED = 200_000;

/**
 * Replay of a stored session: the config comes from `GET /api/sessions/:id` and the hyperparameter
 * changes from its export's control log; every step's numbers are recomputed locally with the shared
 * (deterministic) engine, so scrubbing costs no round trip, and the recorded losses from `/steps` draw
 * the curve and check, step by step, that the recomputation matches what was recorded.
 */
export function ReplayView({ id }: { id: string }) {
  const [store] = useState(() => new SessionStore());
  const [recorded] = useState(() => new ReplayHistory());
  const [session, setSession] = useState<(StoredSession & { hasResets: boolean }) | null>(null);
  const [problem, setProblem] = useState<SessionProblem | null>(null);
  const [step, setStep] = useState(0);
  const [divergesAt, setDivergesAt] = useState<number | null>(null);
  const replayer = useRef<Replayer | null>(null);
  const target = useRef(0);
  // The scheduler outlives renders, so it calls the newest `show` (which sees the loaded session).
  const showRef = useRef<(k: number) => void>(() => undefined);
  const [scheduler] = useState(() => createFrameScheduler(() => showRef.current(target.current)));

  function show(k: number) {
    const r = replayer.current;
    if (!r || !session) return;
    const snap = r.snapshotAt(k, { sessionId: session.id, title: session.title, joinCode: session.joinCode ?? "" });
    if (!snap) return setProblem({ kind: "other", message: `The replay diverged before step ${k}: a parameter stopped being a finite number.` });
    store.applySnapshot(snap);
    store.setConnection("live");
    const recordedLoss = recorded.lossAt(k);
    const local = k > 0 ? store.focus(store.getView()).trace?.loss : undefined;
    if (recordedLoss !== undefined && local !== undefined && !sameLoss(recordedLoss, local)) setDivergesAt((d) => (d === null ? k : Math.min(d, k)));
  }

  useEffect(() => {
    let cancelled = false;
    Promise.all([fetchSession(id), fetchHyperChanges(id).catch(() => ({ changes: [], hasResets: false }))])
      .then(([s, log]) => {
        if (cancelled) return;
        replayer.current = new Replayer(s.config, log.changes);
        setSession({ ...s, hasResets: log.hasResets });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        const status = err instanceof ApiError ? err.status : 0;
        setProblem(status === 404 ? { kind: "not-found", message: `There is no stored session with the id “${id}”.` } : status === 0 ? { kind: "unreachable", message: "Cannot reach the server to load this session." } : { kind: "other", message: err instanceof Error ? err.message : "Could not load this session." });
      });
    return () => {
      cancelled = true;
    };
  }, [id]);

  useEffect(() => {
    if (!session) return;
    let cancelled = false;
    (async () => {
      for (let from = 1; from <= Math.min(session.step, MAX_RECORDED) && !cancelled; from += STEPS_PAGE) {
        const rows = await fetchSteps(session.id, from, Math.min(session.step, from + STEPS_PAGE - 1)).catch(() => null);
        if (!rows || rows.length === 0 || cancelled) break;
        recorded.add(rows);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [session, recorded]);

  useEffect(() => {
    showRef.current = show;
  });
  useEffect(() => {
    target.current = step;
    scheduler.request();
  }, [step, session, scheduler]);

  if (problem && !session) {
    return (
      <main className="mx-auto max-w-2xl p-4">
        <ProblemNotice problem={problem} />
      </main>
    );
  }
  return (
    <main className="mx-auto flex max-w-[120rem] flex-col gap-3 p-3 sm:p-4" data-testid="replay-view">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <div className="min-w-0">
          <a href="/" className="text-sm text-muted underline">
            Backprop Live
          </a>
          <h1 className="truncate text-xl font-bold sm:text-2xl">
            Replay: {session?.title || "…"} <span className="font-mono text-base font-normal text-muted">{session?.joinCode ?? ""}</span>
          </h1>
        </div>
        <ThemeToggle />
      </header>
      {problem ? <ProblemNotice problem={problem} /> : null}
      {session ? (
        <>
          <ReplayTimeline step={step} total={session.step} onStep={setStep} />
          <p className="text-xs text-muted">
            Every number is recomputed in your browser from the session&apos;s config with the same engine the server trains with; the curve shows the recorded losses.
            {session.hasResets ? " The session was reset during the lecture; this is its last run." : ""}
          </p>
          {divergesAt !== null ? (
            <p role="status" className="rounded-md border-l-4 border-warn bg-surface px-3 py-2 text-sm" data-testid="replay-mismatch">
              From step {divergesAt} the recomputed loss differs from the recorded one, so the numbers from there on may not be what the class saw.
            </p>
          ) : null}
          <SessionPanels store={store} history={recorded} />
        </>
      ) : (
        <p className="text-muted">Loading session…</p>
      )}
    </main>
  );
}
