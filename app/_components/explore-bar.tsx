"use client";

import { useEffect } from "react";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

/**
 * Explore mode for students: scrub back through the steps received so far (a bounded buffer) while the
 * session goes on, then one click back to live.
 */
export function ExploreBar({ store }: { store: SessionStore }) {
  const viewStep = useSessionValue(store, (v) => v.viewStep);
  const oldest = useSessionValue(store, (v) => v.held.oldest);
  const count = useSessionValue(store, (v) => v.held.count);
  const newest = useSessionValue(store, (v) => v.held.newest);
  const exploring = viewStep !== null;

  // A step that scrolled out of the buffer is replaced by the oldest one still held.
  useEffect(() => {
    if (viewStep !== null && count > 0 && viewStep < oldest) store.setViewStep(oldest);
  }, [viewStep, oldest, count, store]);

  const index = exploring ? Math.max(0, store.heldIndexOf(viewStep)) : count - 1;
  const go = (k: number) => {
    const r = store.heldAt(Math.max(0, Math.min(count - 1, k)));
    if (r) store.setViewStep(r.step);
  };

  if (!exploring) {
    return (
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button type="button" disabled={count < 1} onClick={() => store.setViewStep(newest)} className="rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50" data-testid="explore-toggle">
          ◀◀ Explore earlier steps
        </button>
        <span className="text-muted">Following live.</span>
      </div>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border-2 border-path bg-surface px-3 py-2 text-sm" data-testid="explore-bar">
      <span className="font-semibold text-path">Exploring</span>
      <button type="button" onClick={() => go(index - 1)} aria-label="Previous step" className="rounded border border-border px-2 py-0.5">
        ◀
      </button>
      <input type="range" min={0} max={Math.max(0, count - 1)} value={index} onChange={(e) => go(Number(e.target.value))} className="min-w-0 flex-1" aria-label="Step to inspect" aria-valuetext={`step ${viewStep}`} data-testid="explore-slider" />
      <button type="button" onClick={() => go(index + 1)} aria-label="Next step" className="rounded border border-border px-2 py-0.5">
        ▶
      </button>
      <span className="num" data-testid="explore-step">
        step {viewStep}
      </span>
      <button type="button" onClick={() => store.setViewStep(null)} className="rounded-md bg-accent px-3 py-1.5 font-semibold text-accent-fg" data-testid="back-to-live">
        Back to live
      </button>
    </div>
  );
}
