import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { IncomingMessage } from "node:http";
import { pino, type DestinationStream, type Logger } from "pino";

/** Levels LOG_LEVEL accepts, most to least severe; `silent` logs nothing. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
/** One of LOG_LEVELS. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The level when LOG_LEVEL is unset: `warn` under tests (quiet runs), `info` otherwise. */
export function defaultLogLevel(nodeEnv: string | undefined = process.env.NODE_ENV): LogLevel {
  return nodeEnv === "test" ? "warn" : "info";
}

function initialLevel(): LogLevel {
  const wanted = process.env.LOG_LEVEL;
  // A bad value is reported by loadEnv (server/env.ts) at start-up; until then, the default applies.
  return (LOG_LEVELS as readonly string[]).includes(wanted ?? "") ? (wanted as LogLevel) : defaultLogLevel();
}

/** `npm run dev` (NODE_ENV unset or development) prints readable lines; anything else prints one JSON object a line. */
function destination(): DestinationStream | undefined {
  const env = process.env.NODE_ENV ?? "development";
  if (env !== "development") return undefined;
  // Loaded only here, so production never needs it; it formats in this thread (no worker, no network).
  const pretty = createRequire(import.meta.url)("pino-pretty") as (options: object) => DestinationStream;
  return pretty({ colorize: process.stdout.isTTY ?? false, sync: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname,service" });
}

/**
 * The server's one logger. Child loggers add context: `sessionId`, `node` (cluster node id), `reqId`
 * (an HTTP request) or `socketId` (a socket's events). Levels: `error` needs an operator (database
 * lost, a write refused, a bug); `warn` degrades but recovers; `info` is a session's life cycle and
 * start/stop; `debug` is a client's own mistake (a bad payload, a wrong code).
 */
export const log: Logger = pino({ level: initialLevel(), base: { service: "backprop-live", pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime }, destination());

/** Sets the level (from the validated environment). */
export function setLogLevel(level: LogLevel): void {
  log.level = level;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const requestLogs = new WeakMap<IncomingMessage, Logger>();

/**
 * The logger of one HTTP request, made on first use (so a request that logs nothing costs nothing):
 * `reqId` is the proxy's `X-Request-Id` when it looks like one (nginx `$request_id`), else a new UUID.
 */
export function requestLog(req: IncomingMessage): Logger {
  let child = requestLogs.get(req);
  if (!child) {
    const header = req.headers["x-request-id"];
    const reqId = typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
    child = log.child({ reqId, method: req.method, path: (req.url ?? "/").split("?")[0].slice(0, 200) });
    requestLogs.set(req, child);
  }
  return child;
}
