"use client";

import { useEffect, useState } from "react";
import { findSavedSession, keyFromFragment, saveSession } from "@/app/_lib/instructor-storage";

/**
 * The instructor key for a join code: from the URL fragment (#key=…, a link from another device —
 * stored, then removed from the address bar) or from this browser's saved sessions.
 * `undefined` while reading, null when there is none.
 */
export function useInstructorKey(joinCode: string): string | null | undefined {
  const [key, setKey] = useState<string | null | undefined>(undefined);
  useEffect(() => {
    const fromFragment = keyFromFragment(window.location.hash);
    if (fromFragment) {
      saveSession({ joinCode, instructorKey: fromFragment });
      // Keep the key out of the history and of anything the user copies from the address bar.
      window.history.replaceState(window.history.state, "", window.location.pathname + window.location.search);
      setKey(fromFragment);
      return;
    }
    setKey(findSavedSession(joinCode)?.instructorKey ?? null);
  }, [joinCode]);
  return key;
}
