"use client";

import { useEffect, useState } from "react";
import { SessionClient, type JoinIdentity } from "@/app/_lib/session-client";
import { SessionStore } from "@/app/_lib/session-store";

/**
 * Connects to a session over Socket.IO (auto-reconnecting and re-joining) and keeps its
 * state in a store that notifies at most once per animation frame. Pass null to wait (no name yet).
 */
export function useSession(identity: JoinIdentity | null): { store: SessionStore; client: SessionClient | null } {
  const [store] = useState(() => new SessionStore());
  const [client, setClient] = useState<SessionClient | null>(null);
  const key = identity ? `${identity.joinCode}\n${identity.name}\n${identity.instructorKey ?? ""}\n${identity.coInstructorKey ?? ""}` : null;

  useEffect(() => {
    if (!identity) return;
    const c = new SessionClient(store, identity);
    c.start();
    setClient(c);
    return () => {
      c.stop();
      setClient(null);
    };
    // Keyed by the identity's content: callers rebuild the object every render.
  }, [key, store]);

  useEffect(() => () => store.dispose(), [store]);

  return { store, client };
}
