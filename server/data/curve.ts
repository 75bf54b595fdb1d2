import { Prisma, type PrismaClient } from "../generated/prisma/client";
import { ITEM_FIELDS, mergeCurve, type CurvePoint } from "../teaching/curve";
import { catchUpRollup, finiteLoss, ROLLUP_SIZES } from "./curve-rollup";

/** One bucket of a downsampled loss curve: [last step, mean loss, min loss, max loss]. */
export type CurveBucket = CurvePoint;

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

/** Where a session's current run stands, for reading its curve. */
export interface CurveHead {
  run: number;
  /** Last durable step. */
  durable: number;
  /** First and last stored step of the run (null: none stored yet). */
  first: number | null;
  last: number | null;
  /** Finest-size rollup buckets stored (the run is rolled up to step rolled × 16). */
  rolled: number;
}

/** The current run of `sessionId` and its stored step range, in one query; null for an unknown session. */
export async function getCurveHead(prisma: PrismaClient, sessionId: string): Promise<CurveHead | null> {
  const [head] = await prisma.$queryRaw<{ run: number; durable: number; first: number | null; last: number | null; rolled: number | null }[]>`
    SELECT s."run" AS run, s."step" AS durable,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = s."id" AND run = s."run" ORDER BY step ASC LIMIT 1) AS first,
           (SELECT step FROM "StepMetric" WHERE "sessionId" = s."id" AND run = s."run" ORDER BY step DESC LIMIT 1) AS last,
           (SELECT bucket + 1 FROM "CurveRollup" WHERE "sessionId" = s."id" AND run = s."run" AND size = ${ROLLUP_SIZES[0]}::int ORDER BY bucket DESC LIMIT 1) AS rolled
    FROM "Session" AS s WHERE s."id" = ${sessionId}`;
  if (!head) return null;
  const num = (x: number | null) => (x == null ? null : Number(x));
  return { run: Number(head.run), durable: Number(head.durable), first: num(head.first), last: num(head.last), rolled: Number(head.rolled ?? 0) };
}

/** Curve items (server/teaching/curve.ts's layout: last step, steps, loss sum, min, max) in step order. */
export interface CurveItems {
  /** The items cover the run's steps below this one. */
  through: number;
  items: Float64Array;
}

/**
 * Every stored rollup range of size `size` of a run, as curve items: fewer than 4 × the curve's buckets
 * at the size rollupSizeFor picks (~1,600 rows for 500 buckets over 100,000 steps).
 */
export async function readRollupItems(prisma: PrismaClient, sessionId: string, run: number, size: number): Promise<CurveItems> {
  const rows = await prisma.$queryRaw<{ bucket: number; lastStep: number; steps: number; lossSum: number; lossMin: number; lossMax: number }[]>`
    SELECT bucket, "lastStep", "steps", "lossSum", "lossMin", "lossMax" FROM "CurveRollup"
    WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND size = ${size}::int ORDER BY bucket`;
  const items = new Float64Array(rows.length * ITEM_FIELDS);
  rows.forEach((r, k) => items.set([Number(r.lastStep), Number(r.steps), Number(r.lossSum), Number(r.lossMin), Number(r.lossMax)], k * ITEM_FIELDS));
  return { through: rows.length > 0 ? (Number(rows[rows.length - 1].bucket) + 1) * size : 0, items };
}

/**
 * The stored finite losses of a run from step `from` up to (not including) `end`, grouped in SQL into
 * at most `buckets` curve items, one per bucket of mergeCurve's equal step ranges over [first, end)
 * (the same integer arithmetic, so every database version agrees): after a rollup, its exact tail;
 * without one (a run shorter than 16 × `buckets` steps), the whole run.
 */
export async function readLossItems(prisma: PrismaClient, sessionId: string, run: number, from: number, range: { first: number; end: number; buckets: number }): Promise<Float64Array> {
  const rows = await prisma.$queryRaw<{ step: number; n: bigint; total: number; lo: number; hi: number }[]>`
    SELECT max(step) AS step, count(*) AS n, sum(loss) AS total, min(loss) AS lo, max(loss) AS hi FROM "StepMetric"
    WHERE "sessionId" = ${sessionId} AND run = ${run}::int AND step >= ${from}::int AND step < ${range.end}::int AND ${Prisma.raw(finiteLoss("loss"))}
    GROUP BY (step - ${range.first}::int)::bigint * ${range.buckets}::int / ${range.end - range.first}::int ORDER BY 1`;
  const items = new Float64Array(rows.length * ITEM_FIELDS);
  rows.forEach((r, k) => items.set([Number(r.step), Number(r.n), Number(r.total), Number(r.lo), Number(r.hi)], k * ITEM_FIELDS));
  return items;
}

/** Whether a read of `head`'s curve should first roll its run up (stored before the rollup existed, or fallen behind). */
export function rollupLags(head: CurveHead): boolean {
  return Math.floor((head.durable + 1) / ROLLUP_SIZES[0]) - head.rolled > MAX_ROLLUP_LAG_BUCKETS;
}

/** Where a curve read gets the rollup items of a size: straight from the database, or a cache of them. */
export type RollupSource = (size: number) => Promise<CurveItems>;

/**
 * The stored loss of `head`'s run (the session's current run) in at most `buckets` equal step ranges
 * over first..last stored step: each range's last step, mean, min and max of the finite
 * losses. It reads the run's rollup (complete ranges of a fixed size) and the exact rows after it,
 * grouped in SQL, so a 100,000-step run costs ~1,600 rollup rows, not 100,000 rows. A rollup range
 * counts in the bucket holding its last step: bucket edges move by less than one rollup range (less
 * than one bucket), and every stored loss still counts in exactly one bucket, its min and max
 * included, so a spike survives. The rollup items may be older than the run (a cache): the tail
 * starts where they stop.
 */
export async function readCurve(prisma: PrismaClient, sessionId: string, head: CurveHead, buckets: number, rollup?: RollupSource): Promise<CurveBucket[]> {
  if (head.first == null || head.last == null) return [];
  const range = { first: head.first, end: head.last + 1, buckets };
  const size = rollupSizeFor(range.end - range.first, buckets);
  // A run stored before the rollup existed (or one whose rollup fell behind) is rolled up once, here.
  if (size > 0 && rollupLags(head)) await catchUpRollup(prisma, sessionId);
  const rolled = size > 0 ? await (rollup ?? ((s) => readRollupItems(prisma, sessionId, head.run, s)))(size) : { through: 0, items: new Float64Array(0) };
  const tail = await readLossItems(prisma, sessionId, head.run, rolled.through, range);
  const items = new Float64Array(rolled.items.length + tail.length);
  items.set(rolled.items);
  items.set(tail, rolled.items.length);
  return mergeCurve(items, range.first, range.end, buckets);
}

/** The current run's curve of `sessionId` in at most `buckets` buckets (empty for an unknown session or one with no steps). */
export async function getCurveBuckets(prisma: PrismaClient, sessionId: string, buckets: number): Promise<CurveBucket[]> {
  const head = await getCurveHead(prisma, sessionId);
  return head ? readCurve(prisma, sessionId, head, buckets) : [];
}
