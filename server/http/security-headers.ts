import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of every response. Next.js inlines its bootstrap scripts, and nonces
 * would force every page to render per request, so scripts are limited to this origin plus inline
 * ones; `'unsafe-eval'` only in development, where React's dev tooling needs it.
 */
export function contentSecurityPolicy(dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Socket.IO (and Next's dev HMR) open WebSockets to this host.
    "connect-src 'self' ws: wss:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Headers set on every HTTP response, pages and API alike. No CORS header: cross-origin reads stay closed. */
export function securityHeaders(dev: boolean): Record<string, string> {
  return {
    "content-security-policy": contentSecurityPolicy(dev),
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
  };
}

/** Sets the security headers on a response before anything else writes it. */
export function applySecurityHeaders(res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

/**
 * Whether a browser page at `origin` may open a Socket.IO connection: only pages of this server (the
 * request's own host, or PUBLIC_URL's origin). Requests without an Origin header are not from a
 * browser page (browsers always send it on WebSocket and cross-origin requests), so they pass.
 */
export function isAllowedOrigin(req: IncomingMessage, publicUrl: string | null): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (publicUrl !== null && parsed.origin === new URL(publicUrl).origin) return true;
  return req.headers.host !== undefined && parsed.host === req.headers.host.toLowerCase();
}
