import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, ErrorCode, httpStatusOf, toErrorBody } from "@/lib/errors";
import { classifyDbError } from "../data/db-errors";
import { log } from "../log";

/** Sends a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** Sends JSON already serialised (a cached answer). */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

/** Seconds a client is told to wait (Retry-After) when the database is unreachable. */
export const OUTAGE_RETRY_AFTER_S = 5;

/**
 * Sends an error as `{ error: { code, message } }` with its HTTP status; 500s never show internals.
 * A database outage is `503 UNAVAILABLE` with Retry-After, not a 500; a budget error carries its own
 * wait (`retryAfterS`) as Retry-After.
 */
export function sendError(res: ServerResponse, err: unknown): void {
  const outage = !(err instanceof AppError) && classifyDbError(err) === "outage";
  const shown = outage ? new AppError(ErrorCode.UNAVAILABLE, "the database is unreachable; try again shortly") : err;
  const body = toErrorBody(shown);
  if (!(err instanceof AppError)) log.error({ err }, outage ? "request failed (database unreachable)" : "request failed");
  if (res.headersSent) return void res.destroy();
  const retryAfter = outage ? OUTAGE_RETRY_AFTER_S : (err as { retryAfterS?: unknown }).retryAfterS;
  if (typeof retryAfter === "number") res.setHeader("retry-after", String(retryAfter));
  sendJson(res, httpStatusOf(body.code), { error: body });
}

/** Reads and parses a JSON request body, enforcing content type and size. */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
  const text = await readTextBody(req, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError(ErrorCode.BAD_REQUEST, "body is not valid JSON");
  }
}

/** Reads a body as UTF-8 text, refusing (PAYLOAD_TOO_LARGE) as soon as it exceeds `maxBytes`. */
export async function readTextBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `body larger than ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `body larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
