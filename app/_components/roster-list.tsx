"use client";

import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { CoInstructorLinkForm } from "./co-instructor-link";

const BUTTON = "rounded border border-border px-2 py-0.5 text-xs hover:bg-surface-2 disabled:opacity-50";

/**
 * Who is in the session (instructor only), newest last, with "Hand controls" next to each student and
 * "Take back" next to the one driving (H1, H3), and a co-instructor link below.
 */
export function RosterList({ store, client, joinCode }: { store: SessionStore; client?: SessionClient | null; joinCode?: string }) {
  const roster = useSessionValue(store, (v) => v.roster);
  const driver = useSessionValue(store, (v) => v.teaching.controls.driver);
  const live = useSessionValue(store, (v) => v.connection === "live" && v.state !== "finished");
  const canHand = Boolean(client) && live;
  return (
    <section aria-labelledby="roster-title" data-testid="roster" className="flex flex-col gap-2">
      <h3 id="roster-title" className="font-semibold">
        Roster <span className="num text-muted">({roster.length})</span>
      </h3>
      {driver ? (
        <p className="flex flex-wrap items-center justify-between gap-2 text-sm" data-testid="roster-driver">
          <span>
            
            <strong>{driver.kind === "co-instructor" ? `${driver.name} (co-instructor link)` : driver.name}</strong> is at the controls
          </span>
          <button type="button" className={BUTTON} disabled={!canHand} onClick={() => void client?.handControls(null)} data-testid="take-back">
            Take back
          </button>
        </p>
      ) : null}
      {roster.length === 0 ? (
        <p className="text-sm text-muted">Nobody has joined yet.</p>
      ) : (
        <ul className="max-h-60 overflow-y-auto text-sm">
          {roster.map((r) => {
            const driving = driver !== null && r.participantId === driver.id;
            return (
              <li key={r.id} className="flex items-center justify-between gap-2 border-b border-border/60 py-0.5">
                <span className="truncate">
                  {r.name}
                  {driving ? <span className="ml-1 text-accent">(driving)</span> : null}
                </span>
                <span className="flex items-center gap-2">
                  <span className="text-muted">{r.role}</span>
                  {r.role === "student" && r.participantId && client !== undefined ? (
                    driving ? null : (
                      <button type="button" className={BUTTON} disabled={!canHand} onClick={() => void client?.handControls(r.participantId!)} aria-label={`Hand controls to ${r.name}`} data-testid="hand-controls">
                        Hand controls
                      </button>
                    )
                  ) : null}
                </span>
              </li>
            );
          })}
        </ul>
      )}
      {client !== undefined && joinCode ? <CoInstructorLinkForm client={client} joinCode={joinCode} disabled={!canHand} /> : null}
    </section>
  );
}
