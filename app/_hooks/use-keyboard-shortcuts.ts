"use client";

import { useEffect, useRef } from "react";

/** A key (as `KeyboardEvent.key`, letters lower-case) and what it does. */
export type Shortcuts = Record<string, () => void>;

/** True when a key press belongs to a control being typed in or pressed, not to the page. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || tag === "BUTTON" || target.isContentEditable;
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
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
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
