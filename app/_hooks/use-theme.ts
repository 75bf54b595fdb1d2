"use client";

import { useCallback, useSyncExternalStore } from "react";

/** The theme the page shows. */
export type Theme = "light" | "dark";

const KEY = "backprop:theme";
const listeners = new Set<() => void>();

function current(): Theme {
  const set = document.documentElement.getAttribute("data-theme");
  if (set === "dark" || set === "light") return set;
  return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const media = window.matchMedia("(prefers-color-scheme: dark)");
  media.addEventListener("change", listener);
  return () => {
    listeners.delete(listener);
    media.removeEventListener("change", listener);
  };
}

/** The current theme (system preference unless toggled) and a toggle that remembers the choice. */
export function useTheme(): { theme: Theme; toggle: () => void } {
  const theme = useSyncExternalStore(subscribe, current, () => "light" as Theme);
  const toggle = useCallback(() => {
    const next: Theme = current() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try {
      localStorage.setItem(KEY, next);
    } catch {
      // Not remembered; still applied.
    }
    listeners.forEach((l) => l());
  }, []);
  return { theme, toggle };
}
