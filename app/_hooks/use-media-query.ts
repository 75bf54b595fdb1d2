"use client";

import { useCallback, useSyncExternalStore } from "react";

/** Tailwind's `lg` breakpoint: from here the session panels sit side by side instead of in tabs. */
export const WIDE_QUERY = "(min-width: 64rem)";

/** Whether a CSS media query matches, kept up to date; false on the server and in the first paint. */
export function useMediaQuery(query: string): boolean {
  const subscribe = useCallback(
    (listener: () => void) => {
      const media = window.matchMedia(query);
      media.addEventListener("change", listener);
      return () => media.removeEventListener("change", listener);
    },
    [query],
  );
  return useSyncExternalStore(subscribe, () => window.matchMedia(query).matches, () => false);
}
