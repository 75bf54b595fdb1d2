"use client";

import type { SessionStore } from "@/app/_lib/session-store";
import type { ConnectionState } from "@/app/_lib/session-types";
import { formatCount } from "@/app/_lib/format";
import { formatLoss } from "./projector-model";
import { StepAnnouncer } from "./step-announcer";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
  offline: "offline",
};

const CONNECTION_DOT: Record<ConnectionState, string> = {
  connecting: "bg-warn",
  live: "bg-ok",
  reconnecting: "bg-warn animate-pulse",
  offline: "bg-bad",
};

const STATE_TEXT: Record<string, string> = { paused: "paused", playing: "playing", diverged: "diverged", finished: "finished" };

/** Step, epoch, training state, connection (with a retry button when offline) and participants. */
export function StatusBar({ store, onRetry }: { store: SessionStore; onRetry?: () => void }) {
  const step = useSessionValue(store, (v) => v.latest?.step ?? 0);
  const epoch = useSessionValue(store, (v) => v.latest?.epoch ?? 0);
  const state = useSessionValue(store, (v) => v.state);
  const connection = useSessionValue(store, (v) => v.connection);
  const participants = useSessionValue(store, (v) => v.participants);
  const speed = useSessionValue(store, (v) => v.stepsPerSecond);
  const reason = useSessionValue(store, (v) => v.reason);
  const loss = useSessionValue(store, (v) => v.latest?.loss ?? null);
  const phase = useSessionValue(store, (v) => v.phase?.phase ?? null);
  return (
    <div role="status" aria-live="off" className="flex flex-wrap items-center gap-x-5 gap-y-1 rounded-lg border border-border bg-surface px-3 py-2 text-sm">
      <span>
        Step <b className="num inline-block min-w-[7ch] text-right" data-testid="step-number">{formatCount(step)}</b>
      </span>
      <span>
        Epoch <b className="num inline-block min-w-[5ch] text-right" data-testid="epoch-number">{formatCount(epoch)}</b>
      </span>
      <span>
        Loss <b className="num" data-testid="loss-now">{formatLoss(loss)}</b>
      </span>
      {phase ? (
        <span data-testid="phase-now">
          Phase <b>{phase}</b>
        </span>
      ) : null}
      <span data-testid="session-state" data-state={state} className={state === "diverged" ? "font-semibold text-bad" : ""}>
        {state === "playing" ? `▶ playing · ${speed}/s` : state === "paused" ? "‖ paused" : state === "diverged" ? "⚠ diverged" : `■ ${STATE_TEXT[state] ?? state}`}
      </span>
      <span className="flex items-center gap-1.5" data-testid="connection-state" data-connection={connection}>
        <span aria-hidden className={`inline-block h-2.5 w-2.5 rounded-full ${CONNECTION_DOT[connection]}`} />
        {CONNECTION_TEXT[connection]}
        {connection === "offline" && onRetry ? (
          <button type="button" onClick={onRetry} className="ml-1 rounded border border-border px-2 py-0.5 hover:bg-surface-2">
            Retry
          </button>
        ) : null}
      </span>
      <span>
        <span className="num" data-testid="participants-count">
          {participants}
        </span>{" "}
        {participants === 1 ? "participant" : "participants"}
      </span>
      <StepAnnouncer store={store} />
      {reason ? (
        <span className={`basis-full ${state === "diverged" ? "text-bad" : "text-muted"}`} data-testid="state-reason">
          {reason}
        </span>
      ) : null}
    </div>
  );
}
