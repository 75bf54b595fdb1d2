import type { Server } from "socket.io";
import { ErrorCode } from "@/lib/errors";

/** Most addresses the failed-join table remembers; beyond it the oldest entries are forgotten. */
const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * Refuses Socket.IO connections beyond `maxPerIp` open at once from one address, with a
 * `connect_error` whose `data.code` is LIMIT_REACHED. Every connection is counted, recovered ones
 * too (they skip middlewares, so they are counted at `connection`, not in the middleware).
 */
export function limitConnectionsPerIp(io: Server, maxPerIp: number): void {
  const open = new Map<string, number>();
  io.use((socket, next) => {
    if ((open.get(socket.handshake.address) ?? 0) < maxPerIp) return next();
    const err = new Error(`too many connections from your address (at most ${maxPerIp})`) as Error & { data?: unknown };
    err.data = { code: ErrorCode.LIMIT_REACHED };
    next(err);
  });
  io.on("connection", (socket) => {
    const ip = socket.handshake.address;
    open.set(ip, (open.get(ip) ?? 0) + 1);
    socket.on("disconnect", () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
  });
}

/**
 * Counts failed joins (unknown code, wrong instructor key) per address in fixed one-minute windows;
 * an address that reaches `maxPerMinute` is refused every join for `blockMs`. A join code has 31⁶
 * values, so this keeps guessing a live one out of reach.
 */
export class FailedJoinLimiter {
  private readonly entries = new Map<string, { windowStart: number; failures: number; blockedUntil: number }>();

  constructor(
    private readonly maxPerMinute: number,
    private readonly blockMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Milliseconds this address must still wait before joining again (0: it may join). */
  blockedFor(ip: string): number {
    const entry = this.entries.get(ip);
    return entry ? Math.max(0, entry.blockedUntil - this.now()) : 0;
  }

  /** Records one failed join from an address. */
  fail(ip: string): void {
    const t = this.now();
    let entry = this.entries.get(ip);
    if (!entry || t - entry.windowStart >= 60_000) {
      if (entry) this.entries.delete(ip); // re-insert: Map order stays oldest-first for pruning
      entry = { windowStart: t, failures: 0, blockedUntil: entry?.blockedUntil ?? 0 };
      this.entries.set(ip, entry);
      this.prune(t);
    }
    entry.failures += 1;
    if (entry.failures >= this.maxPerMinute) entry.blockedUntil = t + this.blockMs;
  }

  private prune(t: number): void {
    for (const [ip, e] of this.entries) {
      if (this.entries.size <= MAX_TRACKED_ADDRESSES && t - e.windowStart < 60_000) break;
      if (this.entries.size > MAX_TRACKED_ADDRESSES || (t - e.windowStart >= 60_000 && e.blockedUntil <= t)) this.entries.delete(ip);
    }
  }
}
