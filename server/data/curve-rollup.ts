import type { PrismaClient } from "../generated/prisma/client";
import type { WriteOp } from "../sessions/write-ops";
import { sqlString } from "./sql-literal";

/**
 * Step ranges the loss is rolled up over (`CurveRollup.size`), finest first; each is 4 × the one
 * before, so a curve of N buckets reads fewer than 4N rollup rows at the coarsest size that still
 * gives every bucket at least one (whatever the run's length, up to 16,384 × N steps).
 */
export const ROLLUP_SIZES = [16, 64, 256, 1024, 4096, 16384] as const;

/** A loss PostgreSQL can sum: NaN and ±Infinity are left out of every aggregate (a diverged step has no loss to draw). */
export function finiteLoss(column: string): string {
  return `${column} <> 'NaN'::float8 AND ${column} <> 'Infinity'::float8 AND ${column} <> '-Infinity'::float8`;
}

/**
 * The INSERT that rolls up, for the sessions `ids` (their current run), every bucket of size
 * `ROLLUP_SIZES[level]` that became complete (all its steps at or below the durable `Session.step`)
 * since the last one stored. The finest size aggregates `StepMetric` rows; each coarser one the 4
 * buckets of the size before, which the statement before it brought up to the same durable step.
 * Stored steps at or below the durable step never change, so a bucket is written once and a replayed
 * or concurrent statement only meets rows that are already there (ON CONFLICT DO NOTHING).
 */
export function rollupLevelSql(level: number, ids: readonly string[]): string {
  const size = ROLLUP_SIZES[level];
  // Per session: the first bucket not yet stored and the first not complete, passed into a LATERAL
  // aggregate (which PostgreSQL cannot flatten), so each session's new rows are one index range scan.
  const bounds = `(SELECT COALESCE((SELECT p."bucket" + 1 FROM "CurveRollup" AS p WHERE p."sessionId" = s."id" AND p."run" = s."run" AND p."size" = ${size} ORDER BY p."bucket" DESC LIMIT 1), 0)::bigint AS done, (s."step"::bigint + 1) / ${size} AS complete) AS w`;
  const ratio = level === 0 ? 1 : size / ROLLUP_SIZES[level - 1];
  const aggregate =
    level === 0
      ? `SELECT m."step" / ${size} AS bucket, max(m."step") AS last, count(*) AS n, sum(m."loss") AS total, min(m."loss") AS lo, max(m."loss") AS hi FROM "StepMetric" AS m ` +
        `WHERE m."sessionId" = s."id" AND m."run" = s."run" AND m."step" >= ${size} * w.done AND m."step" < ${size} * w.complete AND ${finiteLoss('m."loss"')} GROUP BY m."step" / ${size}`
      : `SELECT c."bucket" / ${ratio} AS bucket, max(c."lastStep") AS last, sum(c."steps") AS n, sum(c."lossSum") AS total, min(c."lossMin") AS lo, max(c."lossMax") AS hi FROM "CurveRollup" AS c ` +
        `WHERE c."sessionId" = s."id" AND c."run" = s."run" AND c."size" = ${ROLLUP_SIZES[level - 1]} AND c."bucket" >= ${ratio} * w.done AND c."bucket" < ${ratio} * w.complete GROUP BY c."bucket" / ${ratio}`;
  return (
    `INSERT INTO "CurveRollup" ("sessionId", "run", "size", "bucket", "lastStep", "steps", "lossSum", "lossMin", "lossMax") ` +
    `SELECT s."id", s."run", ${size}, a.bucket, a.last, a.n, a.total, a.lo, a.hi FROM "Session" AS s CROSS JOIN LATERAL ${bounds} CROSS JOIN LATERAL (${aggregate}) AS a ` +
    `WHERE s."id" IN (${ids.map(sqlString).join(", ")}) ON CONFLICT DO NOTHING`
  );
}

/**
 * The rollup statements a write batch needs, to run after its metrics and durable-step updates in the
 * same transaction: a size is rolled up for a session when one of its stored steps ends a bucket of
 * that size (live play stores every step), or the batch moves its durable step without storing every
 * step (`advance`: fast-forward stores one row per epoch). A run whose rollup falls behind anyway is
 * caught up when its curve is read (`catchUpRollup`).
 */
export function rollupStatements(ops: readonly WriteOp[]): string[] {
  const deepest = new Map<string, number>();
  const need = (id: string, level: number) => deepest.set(id, Math.max(level, deepest.get(id) ?? -1));
  for (const op of ops) {
    if (op.kind === "advance") need(op.sessionId, ROLLUP_SIZES.length - 1);
    else if (op.kind === "steps") {
      for (const r of op.rows) {
        let level = -1;
        while (level + 1 < ROLLUP_SIZES.length && (r.step + 1) % ROLLUP_SIZES[level + 1] === 0) level++;
        if (level >= 0) need(op.sessionId, level);
      }
    }
  }
  const statements: string[] = [];
  for (let level = 0; level < ROLLUP_SIZES.length; level++) {
    const ids = [...deepest].filter(([, d]) => d >= level).map(([id]) => id);
    if (ids.length > 0) statements.push(rollupLevelSql(level, ids));
  }
  return statements;
}

const catchingUp = new Map<string, Promise<void>>();

/**
 * Rolls the current run of `sessionId` up to its durable step at every size, in one transaction (runs
 * stored before the rollup existed, or whose rollup fell behind). Concurrent calls for one session in
 * this process share one transaction.
 */
export function catchUpRollup(prisma: PrismaClient, sessionId: string): Promise<void> {
  let pending = catchingUp.get(sessionId);
  if (!pending) {
    pending = prisma
      .$transaction(ROLLUP_SIZES.map((_, level) => prisma.$executeRawUnsafe(rollupLevelSql(level, [sessionId]))))
      .then(() => undefined)
      .finally(() => catchingUp.delete(sessionId));
    catchingUp.set(sessionId, pending);
  }
  return pending;
}
