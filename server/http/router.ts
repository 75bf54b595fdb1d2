import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, ErrorCode } from "@/lib/errors";
import { CurveCache } from "../teaching/curve-cache";
import { sendError } from "./respond";
import type { RouteDeps } from "./route-deps";
import { createSessionRoute, exportRoute, getSessionRoute, getStepsRoute } from "./sessions-routes";
import { comparableRoute, curveRoute, dataRoute, notesRoute, pollsRoute, presetsRoute } from "./teaching-routes";
import { runRoute, runsRoute } from "./runs-routes";
import { createTemplateRoute, deleteTemplateRoute, getTemplateRoute, listTemplatesRoute } from "./templates-routes";

const ROUTES: { method: string; pattern: RegExp; run: (req: IncomingMessage, res: ServerResponse, m: RegExpMatchArray, q: URLSearchParams, d: RouteDeps) => Promise<void> }[] = [
  { method: "POST", pattern: /^\/api\/sessions\/?$/, run: (req, res, _m, _q, d) => createSessionRoute(req, res, d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/?$/, run: (req, res, m, _q, d) => getSessionRoute(req, res, m[1], d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/steps\/?$/, run: (_req, res, m, q, d) => getStepsRoute(res, m[1], q, d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/runs\/?$/, run: (_req, res, m, _q, d) => runsRoute(res, m[1], d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/runs\/([^/]+)\/?$/, run: (_req, res, m, _q, d) => runRoute(res, m[1], m[2], d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/export\/?$/, run: (_req, res, m, q, d) => exportRoute(res, m[1], q, d) },
  // Teaching tools (issue 8, docs/protocol.md "HTTP routes").
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/comparable\/?$/, run: (req, res, m, _q, d) => comparableRoute(req, res, m[1], d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/curve\/?$/, run: (_req, res, m, q, d) => curveRoute(res, m[1], q, d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/notes\/?$/, run: (_req, res, m, q, d) => notesRoute(res, m[1], q, d) },
  { method: "GET", pattern: /^\/api\/sessions\/([^/]+)\/polls\/?$/, run: (req, res, m, _q, d) => pollsRoute(req, res, m[1], d) },
  { method: "PUT", pattern: /^\/api\/sessions\/([^/]+)\/data\/?$/, run: (req, res, m, _q, d) => dataRoute(req, res, m[1], d) },
  { method: "GET", pattern: /^\/api\/presets\/?$/, run: (_req, res) => presetsRoute(res) },
  { method: "POST", pattern: /^\/api\/templates\/?$/, run: (req, res, _m, _q, d) => createTemplateRoute(req, res, d) },
  { method: "GET", pattern: /^\/api\/templates\/?$/, run: (_req, res, _m, q, d) => listTemplatesRoute(res, q, d) },
  { method: "GET", pattern: /^\/api\/templates\/([^/]+)\/?$/, run: (_req, res, m, _q, d) => getTemplateRoute(res, m[1], d) },
  { method: "DELETE", pattern: /^\/api\/templates\/([^/]+)\/?$/, run: (req, res, m, _q, d) => deleteTemplateRoute(req, res, m[1], d) },
];

/**
 * The JSON API under /api, served by the Node server itself (it shares memory with the live sessions).
 * Returns false for any other path, which then goes to Next.js.
 */
export function createApiHandler(options: Omit<RouteDeps, "curves"> & { curves?: CurveCache }) {
  const deps: RouteDeps = { ...options, curves: options.curves ?? new CurveCache() };
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    let url: URL;
    try {
      url = new URL(req.url ?? "/", "http://localhost");
    } catch {
      sendError(res, new AppError(ErrorCode.BAD_REQUEST, "malformed URL"));
      return true;
    }
    if (!url.pathname.startsWith("/api/") && url.pathname !== "/api") return false;
    const matches = ROUTES.map((r) => ({ r, m: url.pathname.match(r.pattern) })).filter((x) => x.m);
    const hit = matches.find((x) => x.r.method === req.method);
    if (!hit) {
      const err = matches.length > 0 ? new AppError(ErrorCode.METHOD_NOT_ALLOWED, `method ${req.method} is not allowed here`) : new AppError(ErrorCode.NOT_FOUND, `no API route ${url.pathname}`);
      if (matches.length > 0) res.setHeader("allow", matches.map((x) => x.r.method).join(", "));
      sendError(res, err);
      return true;
    }
    hit.r.run(req, res, hit.m!, url.searchParams, deps).catch((err) => sendError(res, err));
    return true;
  };
}
