import { timingSafeEqual, createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { requestLog } from "../log";
import type { Metrics } from "../metrics";

/** A readiness check times out after this long (a cut network may not answer at all). */
export const READINESS_TIMEOUT_MS = 2_000;

/** One dependency readiness needs: resolves when it works, rejects (or times out) with why not. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

/** What /readyz answers. */
export type Readiness = { ready: true } | { ready: false; reason: string };

/**
 * Whether this node should get traffic: not shutting down, and every check (database reachable and
 * migrated; Redis in cluster mode) passing within READINESS_TIMEOUT_MS. Checks run in parallel.
 */
export class Health {
  private readonly checks: ReadinessCheck[] = [];
  /** Set when shutdown starts: the node stops being ready before it stops serving. */
  shuttingDown = false;

  /** Adds a dependency to check. */
  require(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** Runs the checks now. */
  async readiness(): Promise<Readiness> {
    if (this.shuttingDown) return { ready: false, reason: "shutting down" };
    const failures = await Promise.all(this.checks.map((c) => withTimeout(c.check(), READINESS_TIMEOUT_MS).then(() => null, (err: unknown) => `${c.name}: ${reasonOf(err)}`)));
    const failed = failures.filter((f): f is string => f !== null);
    return failed.length === 0 ? { ready: true } : { ready: false, reason: failed.join("; ") };
  }
}

function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // First line only, bounded: the reason goes to load balancers and operators, not a stack trace.
  return message.split("\n")[0].slice(0, 200);
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

/**
 * Whether a scrape of /metrics is allowed: from a loopback address, or with `Authorization: Bearer
 * <METRICS_TOKEN>` when a token is set (compared in constant time). Behind a proxy on the same host the
 * proxy's address is loopback, so deploy/nginx.conf refuses /metrics itself.
 */
export function metricsAllowed(remoteAddress: string | undefined, authorization: string | undefined, token: string | undefined): boolean {
  if (remoteAddress !== undefined && LOOPBACK.test(remoteAddress)) return true;
  if (!token || !authorization?.startsWith("Bearer ")) return false;
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(authorization.slice("Bearer ".length)), digest(token));
}

/** GET /healthz, /readyz and /metrics, before anything else (they must answer even when the API cannot). */
export function createHealthRoutes(deps: { health: Health; metrics: Metrics; metricsToken?: string }) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? "/").split("?")[0];
    if (path !== "/healthz" && path !== "/readyz" && path !== "/metrics") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      send(res, 405, "application/json; charset=utf-8", JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message: `${path} answers GET only` } }), { allow: "GET, HEAD" });
      return true;
    }
    if (path === "/healthz") {
      send(res, 200, "application/json; charset=utf-8", JSON.stringify({ ok: true }));
    } else if (path === "/readyz") {
      const readiness = await deps.health.readiness();
      if (!readiness.ready) requestLog(req).debug({ reason: readiness.reason }, "not ready");
      send(res, readiness.ready ? 200 : 503, "application/json; charset=utf-8", JSON.stringify(readiness));
    } else if (!metricsAllowed(req.socket.remoteAddress, req.headers.authorization, deps.metricsToken)) {
      send(res, 403, "application/json; charset=utf-8", JSON.stringify({ error: { code: "FORBIDDEN", message: "metrics are served to loopback, or with Authorization: Bearer <METRICS_TOKEN>" } }));
    } else {
      const { contentType, text } = await deps.metrics.render();
      send(res, 200, contentType, text);
    }
    return true;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body), "cache-control": "no-store", ...headers });
  res.end(body);
}
