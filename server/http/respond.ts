import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, ErrorCode, httpStatusOf, toErrorBody } from "@/lib/errors";
import { log } from "../log";

/** Sends a JSON body with a status. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  res.end(text);
}

/** Sends an error as `{ error: { code, message } }` with its HTTP status; 500s never show internals. */
export function sendError(res: ServerResponse, err: unknown): void {
  const body = toErrorBody(err);
  if (!(err instanceof AppError)) log.error({ err }, "request failed");
  if (!res.headersSent) sendJson(res, httpStatusOf(body.code), { error: body });
  else res.destroy();
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
