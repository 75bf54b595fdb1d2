"use client";

import { PROJECTOR_FOCI, type ProjectorFocus } from "@/lib/wire";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const LABELS: Record<ProjectorFocus, string> = { network: "Network", curve: "Curve", poll: "Poll", join: "Join QR" };

/** The console's remote for the projector: what it shows (V1), and the link to open on the projector machine. */
export function ProjectorFocusPicker({ store, client, joinCode }: { store: SessionStore; client: SessionClient | null; joinCode: string }) {
  const focus = useSessionValue(store, (v) => v.teaching.focus);
  return (
    <div className="flex flex-wrap items-center gap-2" data-testid="projector-focus">
      <span className="text-sm font-semibold" id="projector-focus-label">
        Projector shows
      </span>
      <div role="group" aria-labelledby="projector-focus-label" className="flex flex-wrap gap-1">
        {PROJECTOR_FOCI.map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={focus === f}
            className={`rounded border px-2 py-1 text-sm ${focus === f ? "border-accent bg-accent text-accent-fg" : "border-border hover:bg-surface-2"}`}
            onClick={() => void client?.setFocus(f)}
            disabled={!client}
            data-testid={`focus-${f}`}
          >
            {LABELS[f]}
          </button>
        ))}
      </div>
      <a href={`/s/${joinCode}/projector`} target="_blank" rel="noopener" className="text-sm underline" data-testid="projector-link">
        Open projector view
      </a>
    </div>
  );
}
