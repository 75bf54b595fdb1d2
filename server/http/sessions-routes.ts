import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { createLayout } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { engineConfigSchema, formatIssues, sessionTitleSchema } from "@/lib/schemas";
import { getExportHead, getStepSummaries, listRuns, streamControls, streamMetrics } from "../data/history";
import { getSessionSummary } from "../data/sessions";
import { readJsonBody, sendJson } from "./respond";
import { liveStatus, type RouteDeps } from "./route-deps";
import { streamCsvExport, streamJsonExport } from "./stream-export";
import { createFromTemplateOrPreset } from "./templates-routes";
import { hasInstructorKey } from "./credentials";
import { requestLog } from "../log";

/** Most step rows one `GET …/steps` returns. */
export const MAX_STEPS_PER_REQUEST = 10_000;

const titleSchema = sessionTitleSchema.default("Untitled session");
const uuidSchema = z.uuid();
const stepsQuerySchema = z.strictObject({
  run: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large").optional(),
  from: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large").default(0),
  to: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large").optional(),
});

/** POST /api/sessions: body = engine config fields + optional `title` → 201 { id, joinCode, instructorKey, joinUrl }. */
export async function createSessionRoute(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const body = await readJsonBody(req, deps.limits.maxBodyBytes);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError(ErrorCode.BAD_REQUEST, "(root): the body must be a JSON object with the session config");
  if ("templateId" in body || "preset" in body) return createFromTemplateOrPreset(req, res, body, deps);
  const created = await createPlain(req, body as Record<string, unknown>, deps);
  const base = deps.publicUrl ?? `http://${req.headers.host ?? "localhost"}`;
  sendJson(res, 201, { ...created, joinUrl: `${base.replace(/\/$/, "")}/s/${created.joinCode}` });
}

async function createPlain(req: IncomingMessage, body: Record<string, unknown>, deps: RouteDeps) {
  const { title: rawTitle, ...rawConfig } = body as Record<string, unknown>;
  const title = titleSchema.safeParse(rawTitle);
  if (!title.success) throw new AppError(ErrorCode.BAD_REQUEST, `title: ${title.error.issues[0].message}`);
  const config = engineConfigSchema.safeParse(rawConfig);
  if (!config.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(config.error));
  const layers = config.data.layers;
  const params = createLayout(layers).count;
  if (params > deps.limits.maxLiveParams) {
    throw new AppError(ErrorCode.BAD_REQUEST, `layers: a live session's network may have at most ${deps.limits.maxLiveParams} parameters; [${layers}] has ${params}`);
  }
  // Counted after validation (a malformed request creates nothing) and before the database is touched.
  await deps.budgets.takeCreation(req.socket.remoteAddress);
  const created = await deps.registry.create(title.data, config.data);
  requestLog(req).info({ sessionId: created.id, layers, dataset: "name" in config.data.dataset ? config.data.dataset.name : "custom" }, "session created");
  return created;
}

/**
 * GET /api/sessions/:id: the public summary. The join code only with `authorization: Bearer
 * <instructorKey>`: knowing a session's id (every student of it does) must not let anyone into it.
 */
export async function getSessionRoute(req: IncomingMessage, res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const summary = await getSessionSummary(deps.prisma, requireUuid(id));
  if (!summary) throw notFound();
  const live = await liveStatus(deps, summary.id);
  const joinCode = (await hasInstructorKey(req, deps.prisma, summary.id)) ? summary.joinCode : null;
  sendJson(res, 200, { ...summary, joinCode, state: live?.state ?? summary.state, step: live?.step ?? summary.step, connected: live?.connected ?? 0 });
}

/**
 * GET /api/sessions/:id/steps?run=&from=&to=: stored per-step metrics of a run (default: the current
 * one), at most MAX_STEPS_PER_REQUEST rows; `next` is the following page's `from` (null when done).
 */
export async function getStepsRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const summary = await getSessionSummary(deps.prisma, requireUuid(id));
  if (!summary) throw notFound();
  const q = stepsQuerySchema.safeParse(Object.fromEntries(query));
  if (!q.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(q.error));
  const from = q.data.from;
  const to = q.data.to ?? Math.min(2 ** 31 - 1, from + MAX_STEPS_PER_REQUEST - 1);
  if (to < from) throw new AppError(ErrorCode.BAD_REQUEST, "to: must be ≥ from");
  const runs = (await listRuns(deps.prisma, summary.id)) ?? [];
  const current = runs[runs.length - 1];
  const run = q.data.run === undefined ? current : runs.find((r) => r.run === q.data.run);
  if (!run) throw new AppError(ErrorCode.NOT_FOUND, `run: this session has runs 0..${current?.run ?? 0}, not ${q.data.run}`);
  const runSteps = run === current ? summary.step : (run.steps ?? 0);
  const steps = await getStepSummaries(deps.prisma, summary.id, run.run, from, to, MAX_STEPS_PER_REQUEST);
  // The next page's `from`, while the range asked for (or the stored run) goes on; null at the end.
  const last = steps.length === MAX_STEPS_PER_REQUEST ? steps[steps.length - 1][0] : to;
  const next = last < (q.data.to ?? runSteps) ? last + 1 : null;
  sendJson(res, 200, { run: run.run, from, to, next, columns: ["step", "epoch", "loss", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy"], steps });
}

/**
 * GET /api/sessions/:id/export[?format=csv]: config + control log + metrics (CSV: metrics only).
 * Streamed, reading the database a page at a time, so a session of a million steps costs no more
 * memory than a short one.
 */
export async function exportRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const format = query.get("format") ?? "json";
  if (format !== "json" && format !== "csv") throw new AppError(ErrorCode.BAD_REQUEST, "format: must be json or csv");
  const head = await getExportHead(deps.prisma, requireUuid(id));
  if (!head) throw notFound();
  if (format === "json") return streamJsonExport(res, head, streamControls(deps.prisma, id), streamMetrics(deps.prisma, id));
  return streamCsvExport(res, `session-${head.session.id}.csv`, streamMetrics(deps.prisma, id));
}

function requireUuid(id: string): string {
  if (!uuidSchema.safeParse(id).success) throw notFound();
  return id;
}

function notFound(): AppError {
  return new AppError(ErrorCode.NOT_FOUND, "no session has this id");
}
