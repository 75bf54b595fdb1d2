"use client";

import { useCallback, useEffect, useMemo, useState } from "react";
import { ApiError, fetchComparable, fetchCurve, type ComparableSession, type RunRelation } from "@/app/_lib/api";
import { bucketCurve, runStyle, shiftCurve, stepOffsets, type RunCurve } from "@/app/_lib/curve-overlay";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { CompareChart } from "./compare-chart";

/** How often the live curve in the overlay is rebuilt (the main chart follows every step). */
const LIVE_REFRESH_MS = 1000;

const RELATION: Record<RunRelation, string> = { self: "this session", origin: "lecture it was forked from", fork: "fork", other: "earlier session" };

/** The live session's loss curve from the store, bucketed like the server's `/curve`. */
function liveCurve(store: SessionStore, id: string, title: string): RunCurve {
  const h = store.history;
  return bucketCurve({ id, label: `${title} (this session)`, steps: h.steps.slice(), loss: h.batchLoss.slice(), low: h.low.slice(), high: h.high.slice() });
}

/**
 * Compare runs: the loss curve of this session next to any fork, origin or earlier session trained on
 * the same data, on one step axis. The list is the legend: each run's colour and a checkbox to show it.
 */
export function CompareRuns({ store, sessionId, title }: { store: SessionStore; sessionId: string; title: string }) {
  const [sessions, setSessions] = useState<ComparableSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Set<string>>(() => new Set([sessionId]));
  const [curves, setCurves] = useState<Record<string, RunCurve>>({});
  const [live, setLive] = useState<RunCurve>(() => liveCurve(store, sessionId, title));
  const [log, setLog] = useState(false);
  const origin = useSessionValue(store, (v) => v.teaching.origin);

  const load = useCallback(async () => {
    setError(null);
    try {
      const list = await fetchComparable(sessionId);
      setSessions(list.filter((s) => s.id !== sessionId));
      setCurves({});
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the comparable runs.");
    }
  }, [sessionId]);

  useEffect(() => {
    void load();
  }, [load]);

  // The live curve is rebuilt once a second at most, not on every streamed step.
  useEffect(() => {
    let version = -1;
    const timer = setInterval(() => {
      if (store.history.version === version) return;
      version = store.history.version;
      setLive(liveCurve(store, sessionId, title));
    }, LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [store, sessionId, title]);

  // Fetch each shown run's curve once (Refresh fetches them again).
  useEffect(() => {
    for (const s of sessions ?? []) {
      if (!shown.has(s.id) || curves[s.id]) continue;
      const label = `${s.title} (${RELATION[s.relation]}${s.forkedAtStep !== null ? `, from step ${s.forkedAtStep}` : ""})`;
      setCurves((c) => ({ ...c, [s.id]: { id: s.id, label, steps: [], loss: [] } }));
      fetchCurve(s.id)
        .then((curve) => setCurves((c) => ({ ...c, [s.id]: { id: s.id, label, ...curve } })))
        .catch(() => setError(`Could not load the curve of “${s.title}”.`));
    }
  }, [sessions, shown, curves]);

  // A fork's curve is drawn from the step of its parent it was forked at.
  const offsets = useMemo(
    () => stepOffsets([{ id: sessionId, parentId: origin?.sessionId ?? null, forkedAtStep: origin?.step ?? null }, ...(sessions ?? []).map((s) => ({ id: s.id, parentId: s.parentId, forkedAtStep: s.forkedAtStep }))]),
    [sessionId, origin, sessions],
  );
  const all = useMemo(
    () => [live, ...(sessions ?? []).map((s) => curves[s.id] ?? { id: s.id, label: s.title, steps: [], loss: [] })].map((c) => shiftCurve(c, offsets.get(c.id) ?? 0)),
    [live, sessions, curves, offsets],
  );
  const hidden = useMemo(() => new Set(all.map((c) => c.id).filter((id) => !shown.has(id))), [all, shown]);
  const toggle = (id: string) =>
    setShown((old) => {
      const next = new Set(old);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const rows: { id: string; label: string; detail: string }[] = [
    { id: sessionId, label: title, detail: "this session (live)" },
    ...(sessions ?? []).map((s) => ({ id: s.id, label: s.title, detail: `${RELATION[s.relation]}${s.forkedAtStep !== null ? ` at step ${s.forkedAtStep}` : ""} · ${s.step} steps · ${s.state}` })),
  ];

  return (
    <section className="flex flex-col gap-2" aria-labelledby="compare-title" data-testid="compare-runs">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="compare-title" className="text-lg font-semibold">
          Compare runs
        </h2>
        <div className="flex items-center gap-3 text-sm">
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
          </label>
          <button type="button" onClick={() => void load()} className="rounded-md border border-border px-3 py-1 hover:bg-surface-2" data-testid="compare-refresh">
            Refresh
          </button>
        </div>
      </div>
      <p className="text-sm text-muted">Batch loss of this session and of every run on the same data (forks, the lecture they came from, earlier sessions), averaged into at most 500 points. A fork&apos;s curve starts at the step it was forked at.</p>
      <CompareChart curves={all} hidden={hidden} log={log} />
      <ul className="flex flex-col gap-1 text-sm" aria-label="Runs (legend)">
        {rows.map((r) => {
          const style = runStyle(all.findIndex((c) => c.id === r.id));
          return (
            <li key={r.id}>
              <label className="flex min-w-0 items-center gap-2">
                <input type="checkbox" checked={shown.has(r.id)} onChange={() => toggle(r.id)} data-testid={`compare-toggle-${r.id === sessionId ? "self" : r.id}`} />
                <span aria-hidden className="inline-block h-1 w-6 shrink-0 rounded" style={{ background: `var(${style.colourVar})`, opacity: style.dashed ? 0.6 : 1 }} />
                <span className="min-w-0 truncate font-medium">{r.label}</span>
                <span className="hidden min-w-0 truncate text-muted sm:inline">{r.detail}</span>
              </label>
            </li>
          );
        })}
      </ul>
      {sessions !== null && sessions.length === 0 ? <p className="text-sm text-muted">No other run on this dataset yet. “Try it yourself” makes a fork you can compare with.</p> : null}
      {error ? (
        <p role="alert" className="text-sm text-bad">
          {error}
        </p>
      ) : null}
    </section>
  );
}
