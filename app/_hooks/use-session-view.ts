"use client";

import { useSyncExternalStore } from "react";
import type { SessionStore } from "@/app/_lib/session-store";
import type { SessionView, StepFocus } from "@/app/_lib/session-types";

/** The store's view, re-rendering at most once per animation frame. */
export function useSessionView(store: SessionStore): SessionView {
  return useSyncExternalStore(store.subscribe, store.getView, store.getServerView);
}

/**
 * One slice of the view: the component re-renders only when that value changes. `select` must return
 * a primitive or a reference the view keeps (such as `v.roster`), never a new object.
 */
export function useSessionValue<T>(store: SessionStore, select: (v: SessionView) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getView()),
    () => select(store.getServerView()),
  );
}

/** The view and the step the panels show (its trace recomputed once per step, shared by all panels). */
export function useStepFocus(store: SessionStore): { view: SessionView; focus: StepFocus } {
  const view = useSessionView(store);
  return { view, focus: store.focus(view) };
}
