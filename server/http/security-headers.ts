import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { isIP } from "node:net";

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

/** Origins whose pages may open sockets: PUBLIC_URL's and ALLOWED_ORIGINS. */
export function allowedOrigins(publicUrl: string | null, extra: readonly string[] = []): Set<string> {
  return new Set([...(publicUrl !== null ? [new URL(publicUrl).origin] : []), ...extra]);
}

/**
 * Whether a browser page at `origin` may open a Socket.IO connection: a page of an allowed origin
 * (PUBLIC_URL, ALLOWED_ORIGINS), or a page whose origin is the request's own host when that host is
 * `localhost` or an IP address. A DNS name matching the Host header is not enough: a page of a
 * rebinding domain (its name re-pointed at this server) sends a matching Origin and Host, so names
 * must be listed. Requests without an Origin header are not from a browser page (browsers always send
 * it on WebSocket and cross-origin requests), so they pass.
 */
export function isAllowedOrigin(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return false;
  if (allowed.has(parsed.origin)) return true;
  const host = req.headers.host?.toLowerCase();
  return host !== undefined && parsed.host === host && (parsed.hostname === "localhost" || isIP(parsed.hostname.replace(/^\[|\]$/g, "")) !== 0);
}

/** The raw answer to a refused WebSocket upgrade or a malformed request, with the security headers. */
export function rawResponse(status: number, headers: Record<string, string>, body = ""): string {
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\n${lines}content-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
