import type { ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, ErrorCode } from "@/lib/errors";
import { getRunLog, listRuns } from "../data/history";
import { sendJson } from "./respond";
import { liveStatus, type RouteDeps } from "./route-deps";

/** A run number in a path or query: an integer ≥ 0. */
export const runNumberSchema = z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large");

/** GET /api/sessions/:id/runs: every run, oldest first: `{ runs: [{ run, cause, startedAt, steps, kept }] }` (run 0 is the start). */
export async function runsRoute(res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const runs = await listRuns(deps.prisma, requireUuid(id));
  if (!runs) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  // The current run's steps as broadcast (the database may be a few computed steps ahead of the room).
  const live = await liveStatus(deps, id);
  if (live && runs.length > 0) runs[runs.length - 1].steps = live.step;
  sendJson(res, 200, { sessionId: id, runs });
}

/** GET /api/sessions/:id/runs/:run: one run with its starting config and control log, all a replay needs. */
export async function runRoute(res: ServerResponse, id: string, rawRun: string, deps: RouteDeps): Promise<void> {
  const run = runNumberSchema.safeParse(rawRun);
  if (!run.success) throw new AppError(ErrorCode.BAD_REQUEST, `run: ${run.error.issues[0].message}`);
  const log = await getRunLog(deps.prisma, requireUuid(id), run.data);
  if (!log) throw new AppError(ErrorCode.NOT_FOUND, `run: session ${id} has no run ${run.data}`);
  const live = await liveStatus(deps, id);
  if (live && log.current) log.steps = live.step;
  sendJson(res, 200, { sessionId: id, ...log });
}

function requireUuid(id: string): string {
  if (!z.uuid().safeParse(id).success) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  return id;
}
