import type { PrismaClient } from "../generated/prisma/client";
import type { FailureKind } from "../sessions/write-queue";

/** SQLSTATE classes meaning the database cannot work right now: connection, resources (disk full), shutdown, system/I-O. */
const OUTAGE_SQLSTATE = /^(08|53|57|58)/;
/** Node socket and file-system errors of a lost connection or a full disk. */
const OUTAGE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ECONNABORTED", "ETIMEDOUT", "EPIPE", "ENOTCONN", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOSPC", "EIO"]);
/** Prisma's codes for an unreachable database, a timeout, a closed connection or transaction. */
const OUTAGE_PRISMA = new Set(["P1001", "P1002", "P1008", "P1011", "P1017", "P2024", "P2028"]);
/** Driver-adapter error kinds (Prisma 6 `DriverAdapterError.cause.kind`) that are about the connection, not the data. */
const OUTAGE_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionAlreadyClosed", "DatabaseDoesNotExist", "DatabaseAccessDenied", "AuthenticationFailed"]);
const OUTAGE_MESSAGE = /connection (terminated|refused|closed|ended|lost|timeout)|terminating connection|server closed the connection|not queryable|no space left|could not (extend|write)|can't reach database|timed? ?out|ECONN|socket hang up|pool.*(ended|closed)|closed/i;

/**
 * Sorts a failed flush for the write queue: `outage` when the error says the database as a whole
 * cannot write (connection, disk, shutdown), otherwise `refused` (a constraint, a value, a bad
 * statement: the database answered, and it may be one op's fault). Errors are looked at through
 * Prisma's wrappers (`cause`, `meta`, AggregateError).
 */
export function classifyDbError(err: unknown): FailureKind {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0) {
    const e = stack.pop();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    for (const key of ["code", "errno", "originalCode", "sqlState"]) {
      const v = o[key];
      if (typeof v !== "string") continue;
      if (OUTAGE_ERRNO.has(v) || OUTAGE_PRISMA.has(v) || (/^[0-9A-Z]{5}$/.test(v) && OUTAGE_SQLSTATE.test(v))) return "outage";
    }
    if (typeof o.kind === "string" && OUTAGE_KINDS.has(o.kind)) return "outage";
    if (typeof o.message === "string" && OUTAGE_MESSAGE.test(o.message)) return "outage";
    stack.push(o.cause, o.meta, o.driverAdapterError, o.originalError);
    if (Array.isArray(o.errors)) stack.push(...o.errors);
  }
  return "refused";
}

/** A trivial query: resolves only if the database answers. */
export function probeDatabase(prisma: PrismaClient): () => Promise<void> {
  return async () => void (await prisma.$queryRawUnsafe("SELECT 1"));
}

/** One line for a database error: the first non-empty message or code found through Prisma's wrappers. */
export function describeDbError(err: unknown): string {
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  let code = "";
  while (stack.length > 0) {
    const e = stack.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string" && o.message.trim()) return o.message.trim().split("\n")[0];
    if (!code && typeof o.code === "string") code = o.code;
    if (!code && typeof o.kind === "string") code = o.kind;
    stack.push(o.cause, o.meta, o.driverAdapterError, o.originalError);
    if (Array.isArray(o.errors)) stack.push(...o.errors);
  }
  return code || String(err);
}
