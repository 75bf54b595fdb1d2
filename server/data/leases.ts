import type { Prisma, PrismaClient } from "../generated/prisma/client";

type Query = Prisma.PrismaPromise<unknown>;

/** A lease this node holds: the session and the epoch it was granted at. */
export interface HeldLease {
  sessionId: string;
  epoch: number;
}

/**
 * Takes the lease of a session if nobody holds it or it has expired; returns the new epoch, or null
 * when another node holds it. Expiry is judged by the database's clock, so nodes' clocks never matter.
 */
export async function claimLease(prisma: PrismaClient, sessionId: string, ownerId: string, ttlMs: number): Promise<number | null> {
  const rows = await prisma.$queryRawUnsafe<{ epoch: number }[]>(
    `INSERT INTO "SessionLease" ("sessionId", "ownerId", "epoch", "expiresAt")
     VALUES ($1, $2, 1, now() + $3 * interval '1 millisecond')
     ON CONFLICT ("sessionId") DO UPDATE
       SET "ownerId" = excluded."ownerId", "epoch" = "SessionLease"."epoch" + 1, "expiresAt" = excluded."expiresAt"
       WHERE "SessionLease"."expiresAt" < now()
     RETURNING "epoch"`,
    sessionId,
    ownerId,
    ttlMs,
  );
  return rows.length > 0 ? Number(rows[0].epoch) : null;
}

/** Extends the leases this node still holds; returns the ids renewed (the others were taken). */
export async function renewLeases(prisma: PrismaClient, ownerId: string, leases: HeldLease[], ttlMs: number): Promise<Set<string>> {
  if (leases.length === 0) return new Set();
  const { values, params } = leaseValues(leases, 2);
  const rows = await prisma.$queryRawUnsafe<{ sessionId: string }[]>(
    `UPDATE "SessionLease" AS l SET "expiresAt" = now() + $1 * interval '1 millisecond'
     FROM (VALUES ${values}) AS v(id, epoch)
     WHERE l."sessionId" = v.id AND l."epoch" = v.epoch AND l."ownerId" = $2
     RETURNING l."sessionId"`,
    ttlMs,
    ownerId,
    ...params,
  );
  return new Set(rows.map((r) => r.sessionId));
}

/** Gives leases up at once (graceful shutdown), so another node takes the sessions without waiting for expiry. */
export async function releaseLeases(prisma: PrismaClient, ownerId: string, leases: HeldLease[]): Promise<void> {
  if (leases.length === 0) return;
  const { values, params } = leaseValues(leases, 1);
  await prisma.$executeRawUnsafe(
    `UPDATE "SessionLease" AS l SET "expiresAt" = now() - interval '1 second'
     FROM (VALUES ${values}) AS v(id, epoch)
     WHERE l."sessionId" = v.id AND l."epoch" = v.epoch AND l."ownerId" = $1`,
    ownerId,
    ...params,
  );
}

/** Unfinished sessions whose lease is missing or expired: a node may take them over. */
export async function listClaimableSessionIds(prisma: PrismaClient, limit: number): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT s."id" FROM "Session" s LEFT JOIN "SessionLease" l ON l."sessionId" = s."id"
     WHERE s."state" <> 'finished' AND (l."sessionId" IS NULL OR l."expiresAt" < now())
     ORDER BY s."createdAt" LIMIT $1`,
    limit,
  );
  return rows.map((r) => r.id);
}

/** PostgreSQL's division_by_zero, which `leaseGuard` raises on purpose. */
export const LEASE_GUARD_SQLSTATE = "22012";

/**
 * A statement for the start of a write transaction that fails it unless this node still holds every
 * lease listed (same owner, same epoch). FOR SHARE makes a concurrent takeover wait for this
 * transaction, so a node that lost a lease can never commit a step after the new owner read the session.
 */
export function leaseGuard(prisma: PrismaClient, ownerId: string, leases: HeldLease[]): Query {
  const { values, params } = leaseValues(leases, 2);
  // 1 / 0 when a lease is missing: the only way to abort a batched transaction from plain SQL.
  return prisma.$queryRawUnsafe(
    `SELECT 1 / (CASE WHEN count(*) = $1 THEN 1 ELSE 0 END) AS ok FROM (
       SELECT 1 FROM "SessionLease" AS l JOIN (VALUES ${values}) AS v(id, epoch) ON l."sessionId" = v.id AND l."epoch" = v.epoch
       WHERE l."ownerId" = $2 FOR SHARE OF l) AS held`,
    leases.length,
    ownerId,
    ...params,
  );
}

/** The rate of the last `play` control of a session (what a playing session resumes at after a failover). */
export async function lastPlayRate(prisma: PrismaClient, sessionId: string): Promise<number | null> {
  const c = await prisma.controlEvent.findFirst({ where: { sessionId, action: "play" }, orderBy: { seq: "desc" }, select: { payload: true } });
  const rate = (c?.payload as { stepsPerSecond?: unknown } | null)?.stepsPerSecond;
  return typeof rate === "number" ? rate : null;
}

/** The stored state of a session ("finished", …), or null if unknown. */
export async function getSessionState(prisma: PrismaClient, sessionId: string): Promise<string | null> {
  const s = await prisma.session.findUnique({ where: { id: sessionId }, select: { state: true } });
  return s?.state ?? null;
}

function leaseValues(leases: HeldLease[], offset: number): { values: string; params: (string | number)[] } {
  const params: (string | number)[] = [];
  const values = leases
    .map((l) => {
      params.push(l.sessionId, l.epoch);
      return `($${offset + params.length - 1}, $${offset + params.length}::int)`;
    })
    .join(", ");
  return { values, params };
}
