import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { createLayout, type EngineConfig } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { PRESET_IDS, presetConfig, presetNote, isPresetId, parseTrustedEngineConfig } from "@/lib/presets";
import { engineConfigSchema, formatIssues, isPlainText, PLAIN_TEXT_MESSAGE } from "@/lib/schemas";
import { deleteTemplate, getTemplate, insertTemplate, listTemplates } from "../data/teaching";
import { generateInstructorKey, hashKey, verifyKey } from "../sessions/keys";
import { readJsonBody, sendJson } from "./respond";
import type { RouteDeps } from "./route-deps";

/** Templates per page of `GET /api/templates`. */
export const TEMPLATES_PER_PAGE = 50;
/** Largest template body (a config with 2,000 own points fits). */
export const MAX_TEMPLATE_BYTES = 128 * 1024;
const pageQuerySchema = z.strictObject({ page: z.coerce.number("must be an integer").int("must be an integer").min(0, "must be ≥ 0").max(10_000, "must be ≤ 10000").default(0) });

const nameSchema = z.string("must be a string").trim().min(1, "must not be empty").max(120, "at most 120 characters").refine(isPlainText, PLAIN_TEXT_MESSAGE);
const templateBodySchema = z.strictObject({
  name: nameSchema,
  config: engineConfigSchema,
  presets: z.array(z.enum(PRESET_IDS, { error: `must be one of ${PRESET_IDS.join(", ")}` }), "must be an array of preset ids").max(20, "at most 20 presets").default([]),
});
const fromTemplateSchema = z.strictObject({
  templateId: z.uuid("must be a template id").optional(),
  preset: z.enum(PRESET_IDS, { error: `must be one of ${PRESET_IDS.join(", ")}` }).optional(),
  title: nameSchema.optional(),
}).refine((b) => (b.templateId === undefined) !== (b.preset === undefined), { message: "give either templateId or preset", path: ["templateId"] });

/** POST /api/templates → 201 { id, templateKey } (the key is shown once, stored hashed). */
export async function createTemplateRoute(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const parsed = templateBodySchema.safeParse(await readJsonBody(req, Math.min(deps.limits.maxBodyBytes, MAX_TEMPLATE_BYTES)));
  if (!parsed.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(parsed.error));
  checkLiveSize(parsed.data.config, deps);
  await deps.budgets.takeTemplate(req.socket.remoteAddress);
  const id = randomUUID();
  const templateKey = generateInstructorKey();
  await insertTemplate(deps.prisma, { id, name: parsed.data.name, keyHash: hashKey(templateKey), config: parsed.data.config, presets: parsed.data.presets });
  sendJson(res, 201, { id, templateKey });
}

/** GET /api/templates?page=N: newest first, TEMPLATES_PER_PAGE a page, without their configs; `next` is the following page (null at the end). */
export async function listTemplatesRoute(res: ServerResponse, query: URLSearchParams, deps: RouteDeps): Promise<void> {
  const q = pageQuerySchema.safeParse(Object.fromEntries(query));
  if (!q.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(q.error));
  const { templates, more } = await listTemplates(deps.prisma, q.data.page, TEMPLATES_PER_PAGE);
  sendJson(res, 200, { templates, next: more ? q.data.page + 1 : null });
}

/** GET /api/templates/:id. */
export async function getTemplateRoute(res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const t = await requireTemplate(id, deps);
  sendJson(res, 200, { id: t.id, name: t.name, createdAt: t.createdAt, config: t.config, presets: t.presets });
}

/** DELETE /api/templates/:id with `authorization: Bearer <templateKey>` → 204. */
export async function deleteTemplateRoute(req: IncomingMessage, res: ServerResponse, id: string, deps: RouteDeps): Promise<void> {
  const t = await requireTemplate(id, deps);
  const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!key) throw new AppError(ErrorCode.UNAUTHORIZED, "send the template key as `authorization: Bearer <key>`");
  if (!verifyKey(key, t.keyHash)) throw new AppError(ErrorCode.UNAUTHORIZED, "wrong template key");
  await deleteTemplate(deps.prisma, t.id);
  res.writeHead(204, { "cache-control": "no-store" });
  res.end();
}

/**
 * POST /api/sessions with `{ templateId }` or `{ preset }` (and an optional title) instead of a config:
 * the session starts from the template's config (initial weights included) or the preset's.
 */
export async function createFromTemplateOrPreset(req: IncomingMessage, res: ServerResponse, body: unknown, deps: RouteDeps): Promise<void> {
  const parsed = fromTemplateSchema.safeParse(body);
  if (!parsed.success) throw new AppError(ErrorCode.BAD_REQUEST, formatIssues(parsed.error));
  const { templateId, preset, title } = parsed.data;
  let created;
  if (templateId !== undefined) {
    const t = await getTemplate(deps.prisma, templateId);
    if (!t) throw new AppError(ErrorCode.NOT_FOUND, "templateId: no template has this id");
    const config = parseTrustedEngineConfig(t.config);
    checkLiveSize(config, deps);
    await deps.budgets.takeCreation(req.socket.remoteAddress);
    created = await deps.registry.create(title ?? t.name, config, { templateId: t.id }, { templateId: t.id });
  } else {
    const id = preset!;
    if (!isPresetId(id)) throw new AppError(ErrorCode.BAD_REQUEST, "preset: unknown");
    await deps.budgets.takeCreation(req.socket.remoteAddress);
    created = await deps.registry.create(title ?? presetNote(id).title, presetConfig(id), { presetId: id }, { preset: presetNote(id) });
  }
  const base = deps.publicUrl ?? `http://${req.headers.host ?? "localhost"}`;
  sendJson(res, 201, { ...created, joinUrl: `${base.replace(/\/$/, "")}/s/${created.joinCode}` });
}

function checkLiveSize(config: EngineConfig, deps: RouteDeps): void {
  const params = createLayout(config.layers).count;
  if (params > deps.limits.maxLiveParams) throw new AppError(ErrorCode.BAD_REQUEST, `layers: a live session's network may have at most ${deps.limits.maxLiveParams} parameters; [${config.layers}] has ${params}`);
}

async function requireTemplate(id: string, deps: RouteDeps) {
  const t = z.uuid().safeParse(id).success ? await getTemplate(deps.prisma, id) : null;
  if (!t) throw new AppError(ErrorCode.NOT_FOUND, "no template has this id");
  return t;
}
