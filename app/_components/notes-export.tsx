"use client";

import { useState } from "react";
import { notesUrl } from "@/app/_lib/api";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const LINK = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2";

/**
 * Lecture notes for step N (the current step unless another is typed): the config, the loss curve and
 * the full worked step with its numbers, as a Markdown download or a printable page in a new tab.
 */
export function NotesExport({ store, inDisclosure = false }: { store: SessionStore; inDisclosure?: boolean }) {
  const sessionId = useSessionValue(store, (v) => v.meta?.sessionId ?? null);
  const current = useSessionValue(store, (v) => v.latest?.step ?? 0);
  const viewed = useSessionValue(store, (v) => v.viewStep);
  const [typed, setTyped] = useState<string | null>(null);
  const fallback = viewed ?? current;
  const raw = typed ?? String(fallback);
  const step = Number(raw);
  const error = current < 1 ? "Run at least one step first." : !Number.isInteger(step) || step < 1 || step > current ? `step: a whole number from 1 to ${current}` : null;
  return (
    <section aria-labelledby="notes-title" className="flex flex-col gap-2" data-testid="notes-export">
      <h2 id="notes-title" className={inDisclosure ? "sr-only" : "text-lg font-semibold"}>
        Lecture notes
      </h2>
      <label className="flex flex-wrap items-center gap-2 text-sm">
        Worked step
        <input type="number" min={1} max={Math.max(1, current)} value={raw} onChange={(e) => setTyped(e.target.value)} className="w-24 rounded border border-border bg-surface px-2 py-1" aria-invalid={error !== null} aria-describedby="notes-error" data-testid="notes-step" />
        {typed !== null ? (
          <button type="button" className="underline" onClick={() => setTyped(null)}>
            use step {fallback}
          </button>
        ) : null}
      </label>
      <div className="flex flex-wrap gap-2">
        {sessionId && error === null ? (
          <>
            <a className={LINK} href={notesUrl(sessionId, step, "md")} download={`notes-step-${step}.md`} data-testid="notes-md">
              Markdown (.md)
            </a>
            <a className={LINK} href={notesUrl(sessionId, step, "html")} target="_blank" rel="noopener noreferrer" data-testid="notes-html">
              Printable page ↗
            </a>
          </>
        ) : (
          <span className="text-sm text-muted">Markdown · Printable page</span>
        )}
      </div>
      <p id="notes-error" className="min-h-[1.25rem] text-sm text-bad" role={error && typed !== null ? "alert" : undefined}>
        {typed !== null || current < 1 ? error : ""}
      </p>
    </section>
  );
}
