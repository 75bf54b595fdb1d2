import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, ErrorCode } from "@/lib/errors";
import { MAX_CSV_BYTES } from "@/lib/csv-points";
import { PRESET_IDS, PRESETS, parseTrustedEngineConfig } from "@/lib/presets";
import type { PresetNote } from "@/lib/protocol";
import { dataPointsSchema } from "@/lib/protocol";
import { formatIssues } from "@/lib/schemas";
import { getCurveHead, type CurveBucket } from "../data/curve";
import { getSessionSummary } from "../data/sessions";
import { listOwnedRuns, listPolls, setDatasetHash } from "../data/teaching";
import { answer, type OwnerRequest } from "../owner/requests";
import { voterIdOf } from "../teaching/participant-token";
import { bearerKey, hasInstructorKey } from "./credentials";
import { recomputeStepTrace } from "../sessions/step-trace";
import { datasetHash } from "../teaching/dataset-hash";
import { markdownToHtml, printablePage } from "../teaching/markdown-html";
import { buildNotes, CURVE_POINTS } from "../teaching/notes";
import { readJsonBody, readTextBody, sendJson, sendJsonText } from "./respond";
import { liveStatus, type RouteDeps } from "./route-deps";

/** Most sessions `…/comparable` lists. */
export const MAX_COMPARABLE = 50;

const uuidSchema = z.uuid();
const intParam = (min: number, max: number) => z.coerce.number("must be an integer").int("must be an integer").min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);
const curveQuerySchema = z.strictObject({ points: intParam(2, 5000).default(500) });
const notesQuerySchema = z.strictObject({ step: intParam(1, 2 ** 31 - 1).optional(), format: z.enum(["md", "html"], { error: "must be md or html" }).default("md") });
const dataBodySchema = z.strictObject({ points: dataPointsSchema, testRatio: z.number("must be a number").min(0, "must be ≥ 0").max(0.9, "must be ≤ 0.9").optional() });

/** The stored summary of a session, or 404. */
async function requireSession(id: string, deps: RouteDeps) {
  const summary = uuidSchema.safeParse(id).success ? await getSessionSummary(deps.prisma, id) : null;
  if (!summary) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  const live = await liveStatus(deps, summary.id);
  return { summary, live, step: live?.step ?? summary.step };
}

function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.infer<S> {
  const q = schema.safeParse(Object.fromEntries(query));
  if (!q.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(q.error));
  return q.data;
}

/**
 * GET /api/sessions/:id/comparable: runs on the same dataset (hash of the resolved splits) that the
 * caller owns. Without credentials only the session itself; with `authorization: Bearer
 * <instructorKey>` of :id also its origin and its forks; with `x-participant-token` (a token this
 * server issued) also the caller's own forks of :id. Other people's sessions are never listed.
 */
export async function comparableRoute(req: IncomingMessage, res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const { summary, live } = await requireSession(id, deps);
  const config = parseTrustedEngineConfig(summary.config);
  const hash = datasetHash(config.dataset);
  const token = req.headers["x-participant-token"];
  const forkOwner = typeof token === "string" && deps.tokens?.verify(token) ? voterIdOf(token) : null;
  const owner = await hasInstructorKey(req, deps.prisma, summary.id);
  const rows = await listOwnedRuns(deps.prisma, { id: summary.id, hash, owner, forkOwner }, MAX_COMPARABLE);
  // Stored before hashes existed: hash it now so its forks and origin find it too.
  if (!rows.some((r) => r.id === summary.id)) await setDatasetHash(deps.prisma, summary.id, hash);
  const self = rows.find((r) => r.id === summary.id);
  const sessions = rows.map((r) => ({
    id: r.id,
    title: r.title,
    state: r.id === summary.id ? (live?.state ?? r.state) : r.state,
    step: r.id === summary.id ? (live?.step ?? r.step) : r.step,
    createdAt: r.createdAt.toISOString(),
    parentId: r.parentId,
    forkedAtStep: r.forkedAtStep,
    relation: r.id === summary.id ? "self" : r.id === self?.parentId ? "origin" : r.parentId === summary.id ? "fork" : "other",
  }));
  if (!self) sessions.unshift({ id: summary.id, title: summary.title, state: summary.state, step: summary.step, createdAt: summary.createdAt, parentId: null, forkedAtStep: null, relation: "self" });
  sendJson(res, 200, { datasetHash: hash, sessions });
}

/** GET /api/sessions/:id/curve?points=N: the stored loss curve of the current run, from its rollup and exact tail (mean, min and max per bucket). */
export async function curveRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const { points } = parseQuery(curveQuerySchema, query);
  // One query for the session and its run's range; a cached curve costs nothing more.
  const head = uuidSchema.safeParse(id).success ? await getCurveHead(deps.prisma, id) : null;
  if (!head) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  const step = (await liveStatus(deps, id))?.step ?? head.durable;
  const curve = await deps.curves.get(deps.prisma, id, head, points, step);
  sendJsonText(res, 200, `{"sessionId":${JSON.stringify(id)},"step":${step},"columns":["step","loss","min","max"],"points":${pointsJson(curve)}}`);
}

/** A cached curve's points as JSON, serialised once for every request that shares it. */
const serialised = new WeakMap<CurveBucket[], string>();
function pointsJson(curve: CurveBucket[]): string {
  let text = serialised.get(curve);
  if (text === undefined) serialised.set(curve, (text = JSON.stringify(curve)));
  return text;
}

/** GET /api/sessions/:id/notes?step=N&format=md|html: the lecture handout. */
export async function notesRoute(res: ServerResponse, id: string, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const { summary, live, step: current } = await requireSession(id, deps);
  const q = parseQuery(notesQuerySchema, query);
  if (current < 1) throw new AppError(ErrorCode.BAD_REQUEST, "step: the session has no steps yet; run at least one step first");
  const step = q.step ?? current;
  if (step > current) throw new AppError(ErrorCode.BAD_REQUEST, `step: must be between 1 and the current step ${current}, got ${step}`);
  const config = parseTrustedEngineConfig(summary.config);
  const head = await getCurveHead(deps.prisma, summary.id);
  if (!head) throw new AppError(ErrorCode.NOT_FOUND, "no session has this id");
  const [trace, buckets] = await Promise.all([recomputeStepTrace(deps.prisma, summary.id, step, current), deps.curves.get(deps.prisma, summary.id, head, CURVE_POINTS, current)]);
  const curve = buckets.map(([s, mean]) => [s, mean] as [number, number]);
  const notes = buildNotes({ title: summary.title, sessionId: summary.id, config, step: current, run: head.run, curve, trace, preset: (live?.preset as PresetNote | null | undefined) ?? null });
  const filename = `notes-${summary.id}-step-${step}.${q.format}`;
  const body = q.format === "md" ? notes.markdown : printablePage(`Lecture notes: ${summary.title}`, markdownToHtml(notes.markdown, notes.figures));
  res.writeHead(200, {
    "content-type": q.format === "md" ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8",
    "content-disposition": `${q.format === "md" ? "attachment" : "inline"}; filename="${filename}"`,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  res.end(body);
}

/** GET /api/sessions/:id/polls: every poll of the session with its result (Q8); voters' names (`ballots`) only with the instructor key. */
export async function pollsRoute(req: IncomingMessage, res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const { summary } = await requireSession(id, deps);
  const polls = await listPolls(deps.prisma, summary.id, { withBallots: await hasInstructorKey(req, deps.prisma, summary.id) });
  sendJson(res, 200, { polls });
}

/** PUT /api/sessions/:id/data: the instructor's own points, as JSON or CSV (D1–D4), applied by the session's owner. */
export async function dataRoute(req: IncomingMessage, res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const { summary } = await requireSession(id, deps);
  const key = bearerKey(req);
  if (!key) throw new AppError(ErrorCode.UNAUTHORIZED, "send the instructor key as `authorization: Bearer <key>`");
  // The key is checked against the stored hash before anything is asked of the owner: a wrong key loads nothing.
  if (!(await hasInstructorKey(req, deps.prisma, summary.id))) throw new AppError(ErrorCode.UNAUTHORIZED, "wrong instructor key for this session");
  if (summary.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  let body: Extract<OwnerRequest, { op: "data" }>["body"];
  if (type === "text/csv") {
    body = { csv: await readTextBody(req, Math.min(deps.limits.maxBodyBytes, MAX_CSV_BYTES)) };
  } else {
    const parsed = dataBodySchema.safeParse(await readJsonBody(req, deps.limits.maxBodyBytes));
    if (!parsed.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(parsed.error));
    body = parsed.data;
  }
  const reply = await deps.router.ask({ op: "data", sessionId: summary.id, instructorKey: key, body });
  if (!reply && (await deps.router.storedState(summary.id)) === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
  sendJson(res, 200, answer(reply));
}

/** GET /api/presets: the misconception demos. */
export async function presetsRoute(res: ServerResponse): Promise<void> {
  sendJson(res, 200, { presets: PRESET_IDS.map((id) => PRESETS[id]) });
}
