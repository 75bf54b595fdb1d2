import { AppError, ErrorCode } from "@/lib/errors";
import type { JoinRequest, SessionSnapshot } from "@/lib/protocol";
import type { SessionRegistry } from "../sessions/registry";

/**
 * `session:join {sessionId}`: a read-only replay view of a stored session, never its live room. The
 * socket is not joined (it gets no frames, cannot vote, fork or ask for traces), the snapshot carries no
 * join code, no roster, no open poll (a participantToken sent along is ignored), and a finished session loaded for it is unloaded again. Knowing a
 * session's id therefore does not let anyone into the class.
 */
export async function viewStored(registry: SessionRegistry, req: JoinRequest): Promise<SessionSnapshot> {
  if (req.instructorKey !== undefined) throw new AppError(ErrorCode.BAD_REQUEST, "instructorKey: a session is controlled through its joinCode; sessionId gives a read-only view");
  const session = await registry.get(req.sessionId!);
  if (!session) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  const snapshot = session.snapshot("student");
  registry.unloadIfIdle(session);
  return { ...snapshot, joinCode: "", participants: 0, ...(snapshot.teaching ? { teaching: { ...snapshot.teaching, poll: null } } : {}) };
}
