import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { createLayout } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { engineConfigSchema, formatIssues, isPlainText, PLAIN_TEXT_MESSAGE } from "@/lib/schemas";
import type { PrismaClient } from "../generated/prisma/client";
import { exportSession, getStepSummaries } from "../data/history";
import { getSessionSummary } from "../data/sessions";
import type { Limits } from "../realtime/limits";
import type { SessionRegistry } from "../sessions/registry";
import { readJsonBody, sendJson } from "./respond";
import { metricsCsv } from "./metrics-csv";
import type { TeachingService } from "../teaching/service";
import { createFromTemplateOrPreset } from "./templates-routes";

/** Most step rows one `GET …/steps` returns. */
export const MAX_STEPS_PER_REQUEST = 10_000;

const titleSchema = z.string("must be a string").trim().min(1, "must not be empty").max(120, "at most 120 characters").refine(isPlainText, PLAIN_TEXT_MESSAGE).default("Untitled session");
const uuidSchema = z.uuid();
const stepsQuerySchema = z.strictObject({
  from: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large").default(0),
  to: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(2 ** 31 - 1, "too large").optional(),
});

/** What the routes need. */
export interface RouteDeps {
  registry: SessionRegistry;
  prisma: PrismaClient;
  limits: Limits;
  /** Base URL for join links (PUBLIC_URL), or null to use the request's Host. */
  publicUrl: string | null;
  /** Polls and forks (issue 8); absent in servers built without them. */
  teaching?: TeachingService;
}

/** POST /api/sessions: body = engine config fields + optional `title` → 201 { id, joinCode, instructorKey, joinUrl }. */
export async function createSessionRoute(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const body = await readJsonBody(req, deps.limits.maxBodyBytes);
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new AppError(ErrorCode.BAD_REQUEST, "(root): the body must be a JSON object with the session config");
  if ("templateId" in body || "preset" in body) return createFromTemplateOrPreset(req, res, body, deps);
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
  const created = await deps.registry.create(title.data, config.data);
  const base = deps.publicUrl ?? `http://${req.headers.host ?? "localhost"}`;
  sendJson(res, 201, { ...created, joinUrl: `${base.replace(/\/$/, "")}/s/${created.joinCode}` });
}

/** GET /api/sessions/:id: the public summary. */
export async function getSessionRoute(res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const summary = await getSessionSummary(deps.prisma, requireUuid(id));
  if (!summary) throw notFound();
  const live = deps.registry.loaded(summary.id);
  sendJson(res, 200, { ...summary, state: live?.state ?? summary.state, step: live?.step ?? summary.step, connected: live?.participants.size ?? 0 });
}

/** GET /api/sessions/:id/steps?from=&to=: stored per-step metrics. */
export async function getStepsRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const summary = await getSessionSummary(deps.prisma, requireUuid(id));
  if (!summary) throw notFound();
  const q = stepsQuerySchema.safeParse(Object.fromEntries(query));
  if (!q.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(q.error));
  const from = q.data.from;
  const to = q.data.to ?? Math.min(2 ** 31 - 1, from + MAX_STEPS_PER_REQUEST - 1);
  if (to < from) throw new AppError(ErrorCode.BAD_REQUEST, "to: must be ≥ from");
  const steps = await getStepSummaries(deps.prisma, summary.id, from, to, MAX_STEPS_PER_REQUEST);
  sendJson(res, 200, { from, to, columns: ["step", "epoch", "loss", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy"], steps });
}

/** GET /api/sessions/:id/export[?format=csv]: config + control log + metrics (CSV: metrics only). */
export async function exportRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const format = query.get("format") ?? "json";
  if (format !== "json" && format !== "csv") throw new AppError(ErrorCode.BAD_REQUEST, "format: must be json or csv");
  const data = await exportSession(deps.prisma, requireUuid(id));
  if (!data) throw notFound();
  if (format === "json") return sendJson(res, 200, data);
  const csv = metricsCsv(data.metrics);
  res.writeHead(200, { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="session-${data.session.id}.csv"`, "cache-control": "no-store" });
  res.end(csv);
}

function requireUuid(id: string): string {
  if (!uuidSchema.safeParse(id).success) throw notFound();
  return id;
}

function notFound(): AppError {
  return new AppError(ErrorCode.NOT_FOUND, "no session has this id");
}
