"use client";

import { useEffect, useRef } from "react";

/** A key (as `KeyboardEvent.key`, letters lower-case) and what it does. */
export type Shortcuts = Record<string, () => void>;

/** True when a key press belongs to the focused control (typing, or Space/Enter pressing a button), not to the page. */
function belongsToControl(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  const tag = target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target instanceof HTMLElement && target.isContentEditable)) return true;
  const pressable = tag === "BUTTON" || tag === "A" || target.getAttribute("role") === "button";
  return pressable && (key === " " || key === "Enter");
}

/** Page-wide shortcuts (space, arrows, letters), ignored while typing or with a modifier key held. */
export function useKeyboardShortcuts(shortcuts: Shortcuts, enabled = true): void {
  const ref = useRef(shortcuts);
  useEffect(() => {
    ref.current = shortcuts;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || belongsToControl(e.target, e.key)) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const run = ref.current[key];
      if (!run) return;
      e.preventDefault();
      run();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [enabled]);
}
