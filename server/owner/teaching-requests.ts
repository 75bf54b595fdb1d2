import { AppError, ErrorCode } from "@/lib/errors";
import { csvPointsMessage, parseCsvPoints } from "@/lib/csv-points";
import type { LiveSession } from "../sessions/live-session";
import { verifyKey } from "../sessions/keys";
import type { TeachingService } from "../teaching/service";
import type { OwnerRequest } from "./requests";

/** The requests of the teaching tools (polls Q1–Q10, forks F1–F4). */
export type TeachingRequest = Extract<OwnerRequest, { op: "poll:open" | "poll:vote" | "poll:reveal" | "poll:cancel" | "fork" | "focus" }>;

/** Runs a poll, fork or projector-focus request on the node that owns the session. */
export function applyTeachingRequest(teaching: TeachingService, session: LiveSession, req: TeachingRequest): Promise<unknown> {
  switch (req.op) {
    case "poll:open":
      return teaching.polls.openPoll(session, req.poll);
    case "poll:vote":
      return teaching.polls.vote(session, { voterId: req.caller.voterId, name: req.caller.name }, req.pollId, req.answer);
    case "poll:reveal":
      return teaching.polls.reveal(session, req.pollId);
    case "poll:cancel":
      return teaching.polls.cancel(session, req.pollId);
    case "fork":
      return teaching.forks.fork(session, { owner: req.caller.voterId, name: req.caller.name, ip: req.caller.ip }, req.title ?? undefined);
    case "focus":
      return Promise.resolve(teaching.setFocus(session, req.view));
  }
}

/** `PUT …/data` on the owner (D1–D4): checks the instructor key, parses CSV against the network's inputs, applies the `data` control. */
export async function applyDataUpload(session: LiveSession, req: Extract<OwnerRequest, { op: "data" }>): Promise<{ step: number; state: string; points: number }> {
  if (!verifyKey(req.instructorKey, session.keyHash)) throw new AppError(ErrorCode.UNAUTHORIZED, "wrong instructor key for this session");
  if (session.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
  const csv = "csv" in req.body ? parseCsvPoints(req.body.csv, { inputDim: session.config.layers[0] }) : null;
  const { points, testRatio } = csv ? { points: csv.points, testRatio: undefined } : (req.body as Exclude<typeof req.body, { csv: string }>);
  try {
    const result = await session.control({ action: "data", points, ...(testRatio != null ? { testRatio } : {}) });
    return { ...result, points: points.length };
  } catch (err) {
    // A CSV's rows are named by their lines, as the parser names them ("line 3, column label: …").
    if (csv && err instanceof AppError) throw new AppError(err.code, csvPointsMessage(err.message, csv));
    throw err;
  }
}
