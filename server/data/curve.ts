import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { catchUpRollup, finiteLoss, ROLLUP_SIZES } from "./curve-rollup";

/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurveBucket = [number, number, number, number];

/** Finest-size buckets a run's rollup may lag its durable step before a read catches it up first. */
const MAX_ROLLUP_LAG_BUCKETS = 8;

/**
 * Rollup size a curve of `buckets` buckets over `span` steps reads: the coarsest that still gives every
 * bucket at least one rollup row (fewer than 4 × `buckets` rows), or 0 (no rollup: the raw rows,
 * fewer than 16 × `buckets`) for a run too short for any.
 */
export function rollupSizeFor(span: number, buckets: number): number {
  return [...ROLLUP_SIZES].reverse().find((size) => size * buckets <= span) ?? 0;
}

/**
 * The stored loss of a session's current run downsampled in SQL to at most `buckets` equal step ranges
 * (width_bucket over first..last stored step): each bucket's last step, mean, min and max of the finite
 * losses. It reads the run's rollup (`CurveRollup`, complete ranges of a fixed size) and the exact rows
 * after it, so a 100,000-step run costs ~1,600 rows, not 100,000. A rollup row belongs to the bucket
 * holding its last step: bucket edges move by less than one rollup range (less than one bucket), and
 * every stored loss still counts in exactly one bucket, its min and max included, so a spike survives.
 */
export async function getCurveBuckets(prisma: PrismaClient, sessionId: string, buckets: number): Promise<CurveBucket[]> {
  const [head] = await prisma.$queryRaw<{ run: number; durable: number; first: number | null; last: number | null; rolled: number | null }[]>`
    SELECT s."run" AS run, s."step" AS durable,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = s."id" AND run = s."run" ORDER BY step ASC LIMIT 1) AS first,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = s."id" AND run = s."run" ORDER BY step DESC LIMIT 1) AS last,
           (SELECT bucket + 1 FROM "CurveRollup" WHERE "sessionId" = s."id" AND run = s."run" AND size = ${ROLLUP_SIZES[0]}::int ORDER BY bucket DESC LIMIT 1) AS rolled
    FROM "Session" AS s WHERE s."id" = ${sessionId}`;
  if (head?.first == null || head.last == null) return [];
  const first = Number(head.first);
  const end = Number(head.last) + 1;
  const size = rollupSizeFor(end - first, buckets);
  // A run stored before the rollup existed (or one whose rollup fell behind) is rolled up once, here.
  if (size > 0 && Math.floor((Number(head.durable) + 1) / ROLLUP_SIZES[0]) - Number(head.rolled ?? 0) > MAX_ROLLUP_LAG_BUCKETS) await catchUpRollup(prisma, sessionId);
  const run = Number(head.run);
  const rows = await prisma.$queryRaw<{ step: number; mean: number; lo: number; hi: number }[]>`
    SELECT max(step) AS step, sum(total) / sum(n)::float8 AS mean, min(lo) AS lo, max(hi) AS hi FROM (
      SELECT "lastStep" AS step, "steps" AS n, "lossSum" AS total, "lossMin" AS lo, "lossMax" AS hi
      FROM "CurveRollup" WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND size = ${size}::int
      UNION ALL
      SELECT step, 1, loss, loss, loss FROM "StepMetric"
      WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND ${size}::int * COALESCE((SELECT bucket + 1 FROM "CurveRollup" WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND size = ${size}::int ORDER BY bucket DESC LIMIT 1), 0) <= step
        AND ${Prisma.raw(finiteLoss("loss"))}
    ) AS items
    WHERE step < ${end}::int
    GROUP BY width_bucket(step, ${first}::int, ${end}::int, ${buckets}::int)
    ORDER BY 1`;
  return rows.map((r) => [Number(r.step), Number(r.mean), Number(r.lo), Number(r.hi)]);
}
