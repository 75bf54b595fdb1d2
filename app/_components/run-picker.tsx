"use client";

import type { RunSummary } from "@/app/_lib/api";

/** How each cause of a run reads. */
const CAUSES: Record<string, string> = {
  start: "the start",
  template: "a template",
  preset: "a demo (preset)",
  fork: "a fork",
  reset: "a reset",
  data: "the instructor's own data",
};

/** Words for what started a run. */
export function runCause(cause: string): string {
  return CAUSES[cause] ?? cause;
}

/** The replay's run picker: every run of the session with what started it (a run boundary), and its length. */
export function RunPicker({ runs, run, onRun }: { runs: RunSummary[]; run: number; onRun(run: number): void }) {
  const current = runs.find((r) => r.run === run);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="run-picker">
      <label className="flex items-center gap-1">
        Run
        <select value={run} onChange={(e) => onRun(Number(e.target.value))} className="rounded border border-border bg-bg px-2 py-1" data-testid="run-select">
          {runs.map((r) => (
            <option key={r.run} value={r.run}>
              {`${r.run} — from ${runCause(r.cause)}, ${r.steps === null ? "not stored" : `${r.steps} steps`}`}
            </option>
          ))}
        </select>
      </label>
      {current ? (
        <span className="text-muted">
          {runs.length > 1 ? `${runs.length} runs in this session. ` : ""}Run {current.run} started with {runCause(current.cause)} at {new Date(current.startedAt).toLocaleTimeString()}.
        </span>
      ) : null}
    </div>
  );
}
