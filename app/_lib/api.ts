import type { EngineConfig, LoggedControl } from "@/lib/engine";
import type { RunSummary, StepSummary } from "@/lib/protocol";

export type { RunSummary } from "@/lib/protocol";

/** The answer of `POST /api/sessions`. */
export interface CreatedSession {
  id: string;
  joinCode: string;
  instructorKey: string;
  joinUrl: string;
}

/** A session as `GET /api/sessions/:id` describes it (fields this page reads). */
export interface StoredSession {
  id: string;
  title: string;
  joinCode: string | null;
  config: EngineConfig;
  state: string;
  step: number;
}

/** An HTTP failure, in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function request<T>(url: string, init?: RequestInit & { authorization?: string }): Promise<T> {
  let res: Response;
  const { authorization, ...rest } = init ?? {};
  try {
    res = await fetch(url, { ...rest, headers: { accept: "application/json", ...(rest.body ? { "content-type": "application/json" } : {}), ...(authorization ? { authorization } : {}) } });
  } catch {
    throw new ApiError(0, "Cannot reach the server. Check your network and try again.");
  }
  // 204 (a delete) has no body.
  const body = res.status === 204 ? null : ((await res.json().catch(() => null)) as { error?: { message?: string } } | null);
  if (!res.ok) {
    const detail = body?.error?.message;
    if (res.status === 404) throw new ApiError(404, detail ?? "No such session.");
    throw new ApiError(res.status, detail ?? `The server answered ${res.status}.`);
  }
  return body as T;
}

/** Starts a session: `POST /api/sessions` with the engine config fields and a title. */
export function createSession(body: Record<string, unknown>): Promise<CreatedSession> {
  return request<CreatedSession>("/api/sessions", { method: "POST", body: JSON.stringify(body) });
}

/** Reads a stored session. */
export async function fetchSession(id: string): Promise<StoredSession> {
  const raw = await request<Record<string, unknown>>(`/api/sessions/${encodeURIComponent(id)}`);
  const s = (raw.session ?? raw) as Record<string, unknown>;
  return {
    id: String(s.id ?? id),
    title: String(s.title ?? ""),
    joinCode: typeof s.joinCode === "string" ? s.joinCode : null,
    config: s.config as EngineConfig,
    state: String(s.state ?? "finished"),
    step: Number(s.step ?? 0),
  };
}

/**
 * Reads recorded step metrics `[from, to]` of a run (default: the current one). Accepts the rows as
 * StepSummary tuples or as objects `{ step, epoch, loss, trainLoss, trainAccuracy, testLoss, testAccuracy }`,
 * bare or under `steps`.
 */
export async function fetchSteps(id: string, from: number, to: number, run?: number): Promise<StepSummary[]> {
  const raw = await request<unknown>(`/api/sessions/${encodeURIComponent(id)}/steps?${run === undefined ? "" : `run=${run}&`}from=${from}&to=${to}`);
  const rows = Array.isArray(raw) ? raw : ((raw as { steps?: unknown[] }).steps ?? []);
  return rows.map((r): StepSummary => {
    if (Array.isArray(r)) return r as StepSummary;
    const o = r as Record<string, number | null>;
    return [Number(o.step), Number(o.epoch ?? 0), Number(o.loss), o.trainLoss ?? null, o.trainAccuracy ?? null, o.testLoss ?? null, o.testAccuracy ?? null];
  });
}

/** Every run of a session, oldest first. */
export async function fetchRuns(id: string): Promise<RunSummary[]> {
  const data = await request<{ runs?: RunSummary[] }>(`/api/sessions/${encodeURIComponent(id)}/runs`);
  return Array.isArray(data.runs) ? data.runs : [];
}

/** A run with what replaying it needs: the config at its start and its control log. */
export interface RunLog extends Omit<RunSummary, "kept"> {
  config: EngineConfig | null;
  controls: LoggedControl[];
}

/** One run's config and control log (`GET /api/sessions/:id/runs/:run`). */
export function fetchRunLog(id: string, run: number): Promise<RunLog> {
  return request<RunLog>(`/api/sessions/${encodeURIComponent(id)}/runs/${run}`);
}

/** How a comparable session relates to the one on screen (`GET /api/sessions/:id/comparable`). */
export type RunRelation = "self" | "origin" | "fork" | "other";

/** A session trained on the same dataset. */
export interface ComparableSession {
  id: string;
  title: string;
  state: string;
  step: number;
  createdAt: string;
  parentId: string | null;
  forkedAtStep: number | null;
  relation: RunRelation;
}

/** Sessions with the same dataset (same hash of the resolved splits), newest first. */
export async function fetchComparable(id: string): Promise<ComparableSession[]> {
  const data = await request<{ sessions?: ComparableSession[] }>(`/api/sessions/${encodeURIComponent(id)}/comparable`);
  return Array.isArray(data.sessions) ? data.sessions : [];
}

/** The stored loss curve in at most `points` buckets: last step, mean, min and max of each (spikes survive). */
export async function fetchCurveBuckets(id: string, points = 500): Promise<CurveBucket[]> {
  const data = await request<{ points?: unknown[] }>(`/api/sessions/${encodeURIComponent(id)}/curve?points=${points}`);
  const num = (v: unknown) => (v === null || !Number.isFinite(Number(v)) ? null : Number(v));
  return (Array.isArray(data.points) ? data.points : []).filter(Array.isArray).map((r) => ({ step: Number(r[0]), mean: num(r[1]), min: num(r[2]), max: num(r[3]) }));
}

/** One bucket of the stored loss curve. */
export interface CurveBucket {
  step: number;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** A stored loss curve in at most `points` buckets: each bucket's last step, mean loss, and lowest and highest loss. */
export async function fetchCurve(id: string, points = 500): Promise<{ steps: number[]; loss: (number | null)[]; low: (number | null)[]; high: (number | null)[] }> {
  const buckets = await fetchCurveBuckets(id, points);
  return { steps: buckets.map((b) => b.step), loss: buckets.map((b) => b.mean), low: buckets.map((b) => b.min), high: buckets.map((b) => b.max) };
}

/** A saved session template as `GET /api/templates` lists it. */
export interface TemplateSummary {
  id: string;
  name: string;
  createdAt: string;
  layers: number[];
  dataset: string;
  presets: string[];
}

/** Saved templates, newest first. */
export async function fetchTemplates(): Promise<TemplateSummary[]> {
  const data = await request<{ templates?: Array<Record<string, unknown>> }>("/api/templates");
  return (data.templates ?? []).map((t) => ({
    id: String(t.id),
    name: String(t.name ?? ""),
    createdAt: String(t.createdAt ?? ""),
    layers: Array.isArray(t.layers) ? (t.layers as number[]) : [],
    dataset: typeof t.dataset === "string" ? t.dataset : t.dataset && typeof t.dataset === "object" && "name" in t.dataset ? String((t.dataset as { name: unknown }).name) : "own points",
    presets: Array.isArray(t.presets) ? (t.presets as string[]) : [],
  }));
}

/** One template: its config and preset order. */
export async function fetchTemplate(id: string): Promise<{ id: string; name: string; config: EngineConfig; presets: string[] }> {
  const t = await request<{ id: string; name: string; config: EngineConfig; presets?: string[] }>(`/api/templates/${encodeURIComponent(id)}`);
  return { ...t, presets: Array.isArray(t.presets) ? t.presets : [] };
}

/** Saves a template: `POST /api/templates` → its id and the key that deletes it (shown once). */
export function createTemplate(body: { name: string; config: Record<string, unknown>; presets: string[] }): Promise<{ id: string; templateKey: string }> {
  return request("/api/templates", { method: "POST", body: JSON.stringify(body) });
}

/** Deletes a template with its key. */
export async function deleteTemplate(id: string, templateKey: string): Promise<void> {
  await request(`/api/templates/${encodeURIComponent(id)}`, { method: "DELETE", authorization: `Bearer ${templateKey}` });
}

/** Replaces the session's dataset with points (`PUT /api/sessions/:id/data`, for lists too big for a socket message). */
export function putData(id: string, instructorKey: string, points: unknown[]): Promise<{ step: number; state: string; points: number }> {
  return request(`/api/sessions/${encodeURIComponent(id)}/data`, { method: "PUT", body: JSON.stringify({ points }), authorization: `Bearer ${instructorKey}` });
}

/** The lecture-notes handout's address for step N (`format` md or html). */
export function notesUrl(id: string, step: number, format: "md" | "html"): string {
  return `/api/sessions/${encodeURIComponent(id)}/notes?step=${step}&format=${format}`;
}
