"use client";

import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

/** Who is in the session (instructor only), newest last. */
export function RosterList({ store }: { store: SessionStore }) {
  const roster = useSessionValue(store, (v) => v.roster);
  return (
    <section aria-labelledby="roster-title" data-testid="roster">
      <h3 id="roster-title" className="font-semibold">
        Roster <span className="num text-muted">({roster.length})</span>
      </h3>
      {roster.length === 0 ? (
        <p className="text-sm text-muted">Nobody has joined yet.</p>
      ) : (
        <ul className="mt-1 max-h-60 overflow-y-auto text-sm">
          {roster.map((r) => (
            <li key={r.id} className="flex justify-between gap-2 border-b border-border/60 py-0.5">
              <span className="truncate">{r.name}</span>
              <span className="text-muted">{r.role}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
