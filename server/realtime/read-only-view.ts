import type { SessionSnapshot } from "@/lib/protocol";
import type { LiveSession } from "../sessions/live-session";

/**
 * `session:join {sessionId}`: a read-only replay view of a session, never its live room. The socket is
 * not joined (it gets no frames, cannot vote, fork or ask for traces), the snapshot carries no join
 * code, no roster, no open poll and no participant token (one sent along is ignored). Knowing a
 * session's id therefore does not let anyone into the class. The session's owner answers it
 * (server/owner/session-owner.ts), in one process and in a cluster alike.
 */
export function readOnlyView(session: LiveSession): SessionSnapshot {
  const snapshot = session.snapshot("student");
  return { ...snapshot, joinCode: "", participants: 0, ...(snapshot.teaching ? { teaching: { ...snapshot.teaching, poll: null } } : {}) };
}
