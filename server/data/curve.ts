import type { PrismaClient } from "../generated/prisma/client";

/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurveBucket = [number, number, number, number];

/**
 * The stored loss of a session downsampled in SQL to at most `buckets` equal step ranges
 * (width_bucket over the finite losses' first..last step): each bucket's last step, mean, min and
 * max. The database reads the rows; at most `buckets` rows come back, whatever the run's length.
 */
export async function getCurveBuckets(prisma: PrismaClient, sessionId: string, buckets: number): Promise<CurveBucket[]> {
  const rows = await prisma.$queryRaw<{ step: number; mean: number; lo: number; hi: number }[]>`
    WITH finite AS (
      SELECT step, loss FROM "StepMetric"
      WHERE "sessionId" = ${sessionId} AND loss <> 'NaN'::float8 AND loss <> 'Infinity'::float8 AND loss <> '-Infinity'::float8
    ), bounds AS (SELECT min(step) AS first, max(step) + 1 AS past FROM finite)
    SELECT max(step) AS step, avg(loss) AS mean, min(loss) AS lo, max(loss) AS hi
    FROM finite, bounds
    GROUP BY width_bucket(step, first, past, ${buckets}::int)
    ORDER BY 1`;
  return rows.map((r) => [Number(r.step), Number(r.mean), Number(r.lo), Number(r.hi)]);
}
