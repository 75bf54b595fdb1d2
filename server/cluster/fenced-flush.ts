import { AppError, ErrorCode } from "@/lib/errors";
import type { PrismaClient } from "../generated/prisma/client";
import { LEASE_GUARD_SQLSTATE, leaseGuard, type HeldLease } from "../data/leases";
import { createFlush } from "../data/write-ops";
import type { FlushFn, WriteOp } from "../sessions/write-ops";
import type { LeaseKeeper } from "./lease-keeper";

/**
 * The write queue's flush in multi-node mode. Ops of sessions whose lease this node no longer holds
 * are refused for good (their steps are never released, so never broadcast); the others are written
 * in a transaction that first checks, in the database, that the leases are still ours. If that check
 * fails, the leases are re-read and the batch retried, which then refuses the lost sessions' ops.
 */
export function createFencedFlush(prisma: PrismaClient, leases: LeaseKeeper): FlushFn {
  const flush = createFlush(prisma, undefined, (ops) => {
    const held = heldLeases(ops, leases);
    return held.length > 0 ? [leaseGuard(prisma, leases.ownerId, held)] : [];
  });
  return async (ops) => {
    const refused = new Set(ops.filter((op) => "sessionId" in op && !isRosterOp(op) && !leases.holds(op.sessionId)));
    try {
      await flush(refused.size > 0 ? ops.filter((op) => !refused.has(op)) : ops);
    } catch (err) {
      if (isLeaseViolation(err)) await leases.verify();
      throw err;
    }
    if (refused.size > 0) return { rejected: refused, error: new AppError(ErrorCode.UNAVAILABLE, "this server no longer runs the session; reconnect to reach the one that does") };
  };
}

function heldLeases(ops: WriteOp[], leases: LeaseKeeper): HeldLease[] {
  const ids = new Set<string>();
  for (const op of ops) if ("sessionId" in op) ids.add(op.sessionId);
  const held: HeldLease[] = [];
  for (const sessionId of ids) {
    const epoch = leases.epochOf(sessionId);
    // Lost between filtering and flushing: epoch 0 never matches, so the guard fails and we retry.
    held.push({ sessionId, epoch: epoch ?? 0 });
  }
  return held;
}

function isRosterOp(op: WriteOp): boolean {
  return op.kind === "participant-join" || op.kind === "participant-leave";
}

function isLeaseViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { code?: string }; message?: string; cause?: { code?: string } };
  return e?.code === LEASE_GUARD_SQLSTATE || e?.meta?.code === LEASE_GUARD_SQLSTATE || e?.cause?.code === LEASE_GUARD_SQLSTATE || /division by zero/i.test(e?.message ?? "");
}
