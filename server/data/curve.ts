import type { PrismaClient } from "../generated/prisma/client";

/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurveBucket = [number, number, number, number];

/**
 * The stored loss of a session's current run downsampled in SQL to at most `buckets` equal step ranges
 * (width_bucket over first..last stored step): each bucket's last step, mean, min and max of the
 * finite losses. The database reads the rows; at most `buckets` rows come back, whatever the run's
 * length. The range comes first from the primary key (two index lookups), so the grouping query is
 * one pass over the session's rows with nothing materialised.
 */
export async function getCurveBuckets(prisma: PrismaClient, sessionId: string, buckets: number): Promise<CurveBucket[]> {
  const run = (await prisma.session.findUnique({ where: { id: sessionId }, select: { run: true } }))?.run ?? 0;
  const [range] = await prisma.$queryRaw<{ first: number | null; last: number | null }[]>`
    SELECT (SELECT step FROM "StepMetric" WHERE "sessionId" = ${sessionId} AND run = ${run}::int ORDER BY step ASC LIMIT 1) AS first,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = ${sessionId} AND run = ${run}::int ORDER BY step DESC LIMIT 1) AS last`;
  if (range?.first == null || range.last == null) return [];
  const rows = await prisma.$queryRaw<{ step: number; mean: number; lo: number; hi: number }[]>`
    SELECT max(step) AS step, avg(loss) AS mean, min(loss) AS lo, max(loss) AS hi
    FROM "StepMetric"
    WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND loss <> 'NaN'::float8 AND loss <> 'Infinity'::float8 AND loss <> '-Infinity'::float8
    GROUP BY width_bucket(step, ${Number(range.first)}::int, ${Number(range.last) + 1}::int, ${buckets}::int)
    ORDER BY 1`;
  return rows.map((r) => [Number(r.step), Number(r.mean), Number(r.lo), Number(r.hi)]);
}
