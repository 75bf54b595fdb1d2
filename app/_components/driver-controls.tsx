"use client";

import { useState } from "react";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const BUTTON = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50";

/**
 * The training controls a student gets while the instructor lets them drive (H2): play/pause, speed,
 * step, next phase and the learning rate. Loaded only when this browser drives, so the student page
 * stays small for everyone else.
 */
export function DriverControls({ store, client }: { store: SessionStore; client: SessionClient | null }) {
  const state = useSessionValue(store, (v) => v.state);
  const serverSpeed = useSessionValue(store, (v) => v.stepsPerSecond);
  const learningRate = useSessionValue(store, (v) => v.hyper?.learningRate ?? null);
  const live = useSessionValue(store, (v) => v.connection === "live");
  const polling = useSessionValue(store, (v) => v.teaching.poll !== null);
  const [speed, setSpeed] = useState<number | null>(null);
  const [rate, setRate] = useState("");
  const shownSpeed = speed ?? serverSpeed;
  const playing = state === "playing";
  const disabled = !client || !live || state === "finished";
  const moving = disabled || polling || playing;
  const send = (payload: Record<string, unknown>) => void client?.control(payload);

  return (
    <div className="flex flex-col gap-2" data-testid="driver-controls">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" className={`${BUTTON} min-w-[7rem] font-semibold`} disabled={disabled || (polling && !playing) || state === "diverged"} onClick={() => send(playing ? { action: "pause" } : { action: "play", stepsPerSecond: shownSpeed })} data-testid="driver-play-pause">
          {playing ? "‖ Pause" : "▶ Play"}
        </button>
        <button type="button" className={BUTTON} disabled={moving} onClick={() => send({ action: "step", count: 1 })} data-testid="driver-step">
          Step ×1
        </button>
        <button type="button" className={BUTTON} disabled={moving} onClick={() => send({ action: "step", count: 10 })}>
          ×10
        </button>
        <button type="button" className={BUTTON} disabled={moving} onClick={() => send({ action: "phase" })} data-testid="driver-phase">
          Next phase
        </button>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <label className="flex items-center gap-2">
          <span>Speed</span>
          <input
            type="range"
            min={1}
            max={60}
            value={shownSpeed}
            disabled={disabled || polling}
            onChange={(e) => setSpeed(Number(e.target.value))}
            onPointerUp={() => playing && send({ action: "play", stepsPerSecond: shownSpeed })}
            onKeyUp={() => playing && send({ action: "play", stepsPerSecond: shownSpeed })}
            className="w-36"
            aria-valuetext={`${shownSpeed} steps per second`}
          />
          <span className="num">{shownSpeed} steps/s</span>
        </label>
        <form
          className="flex items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const value = Number(rate);
            if (rate.trim() !== "" && Number.isFinite(value)) send({ action: "set", learningRate: value });
          }}
        >
          <label className="flex items-center gap-2">
            Learning rate
            <input type="text" inputMode="decimal" value={rate} placeholder={learningRate === null ? "" : String(learningRate)} onChange={(e) => setRate(e.target.value)} className="w-24 rounded border border-border bg-surface px-2 py-1" data-testid="driver-learning-rate" />
          </label>
          <button type="submit" className={BUTTON} disabled={disabled || polling}>
            Set
          </button>
        </form>
      </div>
    </div>
  );
}
