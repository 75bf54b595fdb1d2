"use client";

import { useKeyboardShortcuts } from "@/app/_hooks/use-keyboard-shortcuts";

/** The replay's timeline: scrub to any step 0…total, step by one with buttons or ← →. */
export function ReplayTimeline({ step, total, onStep }: { step: number; total: number; onStep(step: number): void }) {
  const go = (k: number) => onStep(Math.max(0, Math.min(total, k)));
  useKeyboardShortcuts({ ArrowLeft: () => go(step - 1), ArrowRight: () => go(step + 1) });
  return (
    <div className="flex flex-wrap items-center gap-2 rounded-lg border border-border bg-surface px-3 py-2" data-testid="replay-timeline">
      <button type="button" onClick={() => go(step - 1)} aria-label="Previous step" aria-keyshortcuts="ArrowLeft" className="rounded border border-border px-2 py-1">
        ◀
      </button>
      <input type="range" min={0} max={total} value={step} onChange={(e) => go(Number(e.target.value))} className="min-w-0 flex-1" aria-label="Step" aria-valuetext={`step ${step} of ${total}`} data-testid="replay-slider" />
      <button type="button" onClick={() => go(step + 1)} aria-label="Next step" aria-keyshortcuts="ArrowRight" className="rounded border border-border px-2 py-1">
        ▶
      </button>
      <label className="flex items-center gap-1 text-sm">
        step
        <input type="number" min={0} max={total} value={step} onChange={(e) => go(Math.round(Number(e.target.value)) || 0)} className="num w-24 rounded border border-border bg-bg px-2 py-1" data-testid="step-number" />
        <span className="num">/ {total}</span>
      </label>
    </div>
  );
}
