"use client";

import { useState } from "react";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useKeyboardShortcuts } from "@/app/_hooks/use-keyboard-shortcuts";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { findSavedSession } from "@/app/_lib/instructor-storage";
import { ConfirmButton } from "./confirm-button";
import { readStopDraft, stopDraftOf, StopConditionPicker, type StopDraft } from "./stop-condition-picker";

const BUTTON = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50";

/**
 * The instructor's transport: play/pause, speed, step ×1/×10/×100, next phase, fast-forward, reset and
 * end, with keyboard shortcuts (space, →, P) shown next to the buttons they press.
 */
export function InstructorControls({ store, client, joinCode }: { store: SessionStore; client: SessionClient | null; joinCode: string }) {
  const state = useSessionValue(store, (v) => v.state);
  const serverSpeed = useSessionValue(store, (v) => v.stepsPerSecond);
  const phase = useSessionValue(store, (v) => v.phase?.phase ?? null);
  const live = useSessionValue(store, (v) => v.connection === "live");
  // Q6: while a poll is open the run must not move (only pause and end are allowed).
  const polling = useSessionValue(store, (v) => v.teaching.poll !== null);
  const [speed, setSpeed] = useState<number | null>(null);
  const [epochs, setEpochs] = useState(10);
  // The start form's stop condition (kept with the session in this browser) is the first default.
  const [stop, setStop] = useState<StopDraft>(() => stopDraftOf(typeof window === "undefined" ? null : findSavedSession(joinCode)?.stop));
  const [stopError, setStopError] = useState<string | null>(null);
  const shownSpeed = speed ?? serverSpeed;
  const playing = state === "playing";
  const ended = state === "finished";
  // R9: a diverged run moves again only after `set` (a smaller learning rate): play would do nothing.
  const diverged = state === "diverged";
  const disabled = !client || !live || ended;
  const moving = disabled || polling;

  const send = (payload: Record<string, unknown>) => void client?.control(payload);
  // Every play carries the stop condition: a play without `until` would clear it (S1).
  const play = () => {
    const until = readStopDraft(stop);
    setStopError(until.ok ? null : until.message);
    if (until.ok) send({ action: "play", stepsPerSecond: shownSpeed, ...(until.stop ? { until: until.stop } : {}) });
  };
  const togglePlay = () => (playing ? send({ action: "pause" }) : play());
  const step = (count: number) => send({ action: "step", count });
  const nextPhase = () => send({ action: "phase" });
  useKeyboardShortcuts({ " ": togglePlay, ArrowRight: () => step(1), p: nextPhase }, !moving);

  return (
    <section aria-labelledby="controls-title" className="flex flex-col gap-3" data-testid="instructor-controls">
      <h2 id="controls-title" className="text-lg font-semibold">
        Controls
      </h2>
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={togglePlay} disabled={disabled || diverged || (polling && !playing)} className={`${BUTTON} min-w-[7.5rem] font-semibold`} data-testid="play-pause" aria-keyshortcuts="Space">
          {playing ? "‖ Pause" : "▶ Play"} <kbd>Space</kbd>
        </button>
        <button type="button" onClick={() => step(1)} disabled={moving} className={BUTTON} data-testid="step-1" aria-keyshortcuts="ArrowRight">
          Step ×1 <kbd>→</kbd>
        </button>
        <button type="button" onClick={() => step(10)} disabled={moving} className={BUTTON} data-testid="step-10">
          ×10
        </button>
        <button type="button" onClick={() => step(100)} disabled={moving} className={BUTTON} data-testid="step-100">
          ×100
        </button>
        <button type="button" onClick={nextPhase} disabled={moving} className={BUTTON} data-testid="next-phase" aria-keyshortcuts="P">
          Next phase{phase ? ` (now: ${phase})` : ""} <kbd>P</kbd>
        </button>
      </div>
      <label className="flex flex-wrap items-center gap-2">
        <span>Speed</span>
        <input
          type="range"
          min={1}
          max={60}
          value={shownSpeed}
          disabled={moving}
          onChange={(e) => setSpeed(Number(e.target.value))}
          onPointerUp={() => playing && play()}
          onKeyUp={() => playing && play()}
          className="w-48 max-w-full"
          data-testid="speed-input"
          aria-valuetext={`${shownSpeed} steps per second`}
        />
        <span className="num inline-block w-[8ch]">{String(shownSpeed).padStart(2, " ")} steps/s</span>
      </label>
      <StopConditionPicker draft={stop} onChange={setStop} error={stopError} disabled={disabled} />
      <form
        className="flex flex-wrap items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          send({ action: "fastForward", epochs });
        }}
      >
        <label className="flex items-center gap-2">
          Fast-forward
          <input type="number" min={1} max={10000} value={epochs} onChange={(e) => setEpochs(Math.max(1, Math.min(10000, Math.round(Number(e.target.value)) || 1)))} className="w-24 rounded border border-border bg-surface px-2 py-1" data-testid="fast-forward-epochs" />
          epochs
        </label>
        <button type="submit" disabled={moving} className={BUTTON} data-testid="fast-forward">
          ▶▶ Go
        </button>
      </form>
      <div className="flex flex-wrap gap-2">
        <ConfirmButton label="↺ Reset (new seed)" confirmLabel="Press again to reset" disabled={moving} onConfirm={() => send({ action: "reset", seed: Math.floor(Math.random() * 2 ** 31) })} testId="reset" />
        <ConfirmButton label="■ End session" confirmLabel="Press again to end for everyone" disabled={disabled} onConfirm={() => send({ action: "end" })} testId="end-session" />
      </div>
      {diverged ? (
        <p className="text-sm text-warn" data-testid="controls-diverged">
          Play is off: the last step diverged (a loss or parameter would not be a finite number). Lower the learning rate under Hyperparameters to continue.
        </p>
      ) : null}
      {polling ? (
        <p className="text-sm text-warn" data-testid="controls-poll-hold">
          A poll is open: the run waits for its reveal (or cancel).
        </p>
      ) : null}
      <p className="shortcut-hint text-xs text-muted">
        Shortcuts: <kbd>Space</kbd> play/pause · <kbd>→</kbd> one step · <kbd>P</kbd> next phase (forward → loss → backward → update).
      </p>
    </section>
  );
}
