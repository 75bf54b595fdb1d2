"use client";

import { useEffect, useRef, useState } from "react";
import { hyperChanges } from "@/lib/engine";
import { ApiError, fetchRunLog, fetchRuns, fetchSession, fetchSteps, type RunSummary, type StoredSession } from "@/app/_lib/api";
import { createFrameScheduler } from "@/app/_lib/frame-scheduler";
import { ReplayHistory } from "@/app/_lib/replay-history";
import { Replayer } from "@/app/_lib/replayer";
import { SessionStore } from "@/app/_lib/session-store";
import type { SessionProblem } from "@/app/_lib/session-types";
import { ProblemNotice } from "./problem-notice";
import { RunPicker } from "./run-picker";
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

/** A run being replayed: its summary, the replayer of its config and control log, its recorded losses. */
interface OpenRun {
  summary: RunSummary;
  replayer: Replayer | null;
  recorded: ReplayHistory;
}

/**
 * Replay of a stored session, one run at a time (`?run=K&step=N` opens a step directly): each run's
 * config and control log come from `GET /api/sessions/:id/runs/:run`, and every step's numbers are
 * recomputed locally with the shared replay (lib/engine/replay.ts), so scrubbing costs no round trip.
 * The recorded losses from `/steps?run=K` draw the curve and check each shown step: a step whose
 * recomputed loss differs from the recorded one is not shown, so the page never shows numbers the
 * class did not see.
 */
export function ReplayView({ id, initialRun, initialStep }: { id: string; initialRun: number | null; initialStep: number | null }) {
  const [store] = useState(() => new SessionStore());
  const [session, setSession] = useState<StoredSession | null>(null);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  const [open, setOpen] = useState<OpenRun | null>(null);
  const [problem, setProblem] = useState<SessionProblem | null>(null);
  const [step, setStep] = useState(0);
  const [mismatchAt, setMismatchAt] = useState<number | null>(null);
  const pendingStep = useRef(initialStep);
  const target = useRef(0);
  // The scheduler outlives renders, so it calls the newest `show` (which sees the open run).
  const showRef = useRef<(k: number) => void>(() => undefined);
  const [scheduler] = useState(() => createFrameScheduler(() => showRef.current(target.current)));

  function show(k: number) {
    const r = open?.replayer;
    if (!r || !session) return;
    const snap = r.snapshotAt(k, { sessionId: session.id, title: session.title, joinCode: session.joinCode ?? "" });
    if (!snap) return setProblem({ kind: "other", message: `The replay diverged before step ${k}: a parameter stopped being a finite number.` });
    const recordedLoss = open.recorded.lossAt(k);
    const local = k > 0 && r.lastTraced?.step === k ? r.lastTraced.trace.loss : undefined;
    if (recordedLoss !== undefined && local !== undefined && !sameLoss(recordedLoss, local)) return setMismatchAt(k);
    setMismatchAt((m) => (m === k ? null : m));
    store.applySnapshot(snap);
    store.setConnection("live");
  }

  useEffect(() => {
    let cancelled = false;
    Promise.all([fetchSession(id), fetchRuns(id)])
      .then(([s, list]) => {
        if (cancelled) return;
        setSession(s);
        setRuns(list);
        const wanted = initialRun === null ? undefined : list.find((r) => r.run === initialRun);
        if (initialRun !== null && !wanted) setProblem({ kind: "other", message: `This session has runs 0 to ${list.length - 1}; there is no run ${initialRun}. Showing the last run.` });
        const chosen = wanted ?? list[list.length - 1];
        if (chosen) openRun(chosen);
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        const status = err instanceof ApiError ? err.status : 0;
        setProblem(status === 404 ? { kind: "not-found", message: `There is no stored session with the id “${id}”.` } : status === 0 ? { kind: "unreachable", message: "Cannot reach the server to load this session." } : { kind: "other", message: err instanceof Error ? err.message : "Could not load this session." });
      });
    return () => {
      cancelled = true;
    };
    // openRun only reads its argument: the session and its runs load once per id.
  }, [id, initialRun]);

  function openRun(summary: RunSummary) {
    const recorded = new ReplayHistory();
    setMismatchAt(null);
    if (!summary.kept) return setOpen({ summary, replayer: null, recorded });
    fetchRunLog(id, summary.run)
      .then((log) => {
        if (!log.config) return setOpen({ summary, replayer: null, recorded });
        const total = summary.steps ?? 0;
        const wanted = pendingStep.current ?? 0;
        pendingStep.current = null;
        setStep(Math.max(0, Math.min(total, Math.round(wanted))));
        setOpen({ summary, replayer: new Replayer(log.config, hyperChanges(log.controls)), recorded });
      })
      .catch((err: unknown) => setProblem({ kind: "other", message: err instanceof Error ? err.message : `Could not load run ${summary.run}.` }));
  }

  useEffect(() => {
    if (!open?.replayer) return;
    let cancelled = false;
    const total = open.summary.steps ?? 0;
    const unsubscribe = open.recorded.subscribe(() => scheduler.request());
    (async () => {
      for (let from = 1; from <= Math.min(total, MAX_RECORDED) && !cancelled; from += STEPS_PAGE) {
        const rows = await fetchSteps(id, from, Math.min(total, from + STEPS_PAGE - 1), open.summary.run).catch(() => null);
        if (!rows || rows.length === 0 || cancelled) break;
        open.recorded.add(rows);
      }
    })();
    return () => {
      cancelled = true;
      unsubscribe();
    };
  }, [id, open, scheduler]);

  useEffect(() => {
    showRef.current = show;
  });
  useEffect(() => {
    target.current = step;
    scheduler.request();
    // A deep link to what is on screen (notes and the roster link to `?run=K&step=N`).
    if (open) window.history.replaceState(null, "", `?run=${open.summary.run}&step=${step}`);
  }, [step, open, scheduler]);

  if (problem && !session) {
    return (
      <main className="mx-auto max-w-2xl p-4">
        <ProblemNotice problem={problem} />
      </main>
    );
  }
  const total = open?.summary.steps ?? 0;
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
      {session && open ? (
        <>
          <RunPicker runs={runs} run={open.summary.run} onRun={(k) => runs[k] && openRun(runs[k])} />
          {open.replayer ? (
            <>
              <ReplayTimeline step={step} total={total} onStep={setStep} />
              <p className="text-xs text-muted">Every number is recomputed in your browser from this run&apos;s config and control log with the same engine the server trains with; the curve shows the recorded losses.</p>
              {mismatchAt === step ? (
                <p role="status" className="rounded-md border-l-4 border-warn bg-surface px-3 py-2 text-sm" data-testid="replay-mismatch">
                  Step {mismatchAt}: the recomputed loss differs from the recorded one, so its numbers are not shown (they would not be what the class saw).
                </p>
              ) : (
                <SessionPanels store={store} history={open.recorded} />
              )}
            </>
          ) : (
            <p role="status" className="rounded-md border-l-4 border-warn bg-surface px-3 py-2 text-sm" data-testid="replay-not-kept">
              Run {open.summary.run} ended before this server kept every run: its steps were not stored, so it cannot be replayed.
            </p>
          )}
        </>
      ) : (
        <p className="text-muted">Loading session…</p>
      )}
    </main>
  );
}
