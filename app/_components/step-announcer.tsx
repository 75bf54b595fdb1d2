"use client";

import { useEffect, useRef, useState } from "react";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { formatLoss } from "./projector-model";

/** While playing, a screen reader hears the step at most this often (every step would be noise). */
export const ANNOUNCE_EVERY_MS = 5000;

/** A polite live region that says the step, its loss and the phase: at once when paused, throttled while playing. */
export function StepAnnouncer({ store }: { store: SessionStore }) {
  const step = useSessionValue(store, (v) => v.latest?.step ?? 0);
  const loss = useSessionValue(store, (v) => v.latest?.loss ?? null);
  const phase = useSessionValue(store, (v) => v.phase?.phase ?? null);
  const playing = useSessionValue(store, (v) => v.state === "playing");
  const [said, setSaid] = useState("");
  const last = useRef(0);
  const wanted = `Step ${step}${loss !== null ? `, loss ${formatLoss(loss)}` : ""}${phase ? `, phase ${phase}` : ""}.`;
  useEffect(() => {
    const wait = playing ? Math.max(0, last.current + ANNOUNCE_EVERY_MS - Date.now()) : 0;
    const timer = setTimeout(() => {
      last.current = Date.now();
      setSaid(wanted);
    }, wait);
    return () => clearTimeout(timer);
  }, [wanted, playing]);
  return (
    <p className="sr-only" aria-live="polite" data-testid="step-announcer">
      {said}
    </p>
  );
}
