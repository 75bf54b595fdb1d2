/**
 * The loss rollup (CurveRollup): written by the write queue's flush in the same transaction as the
 * steps it completes, equal to a rollup computed afterwards from the stored rows (the lazy backfill of
 * older runs), safe to retry, and what `/curve` reads: its buckets must equal an independent grouping
 * of the raw rows, spikes included.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { getCurveBuckets, getCurveHead, readCurve, readRollupItems } from "@/server/data/curve";
import { ITEM_FIELDS } from "@/server/teaching/curve";
import { catchUpRollup, ROLLUP_SIZES } from "@/server/data/curve-rollup";
import { insertSession } from "@/server/data/sessions";
import { createFlush } from "@/server/data/write-ops";
import { openDatabase, type Database } from "@/server/db";
import type { StepRow, WriteOp } from "@/server/sessions/write-ops";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";

const postgresUp = await postgresReachable();
let db: Database;

/** Seeded generator (mulberry32), so a failing batch split can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let codes = 0;
async function newSession(id: string): Promise<void> {
  const config = parseEngineConfig({});
  const t = new Trainer(config);
  await insertSession(db.prisma, { id, title: "t", joinCode: `ROLL${String(codes++).padStart(2, "0")}`, keyHash: "h", config, params: t.theta.slice(), hyper: t.hyper });
}

const row = (step: number, loss: number): StepRow => ({ step, epoch: 0, loss, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null });

/** A loss curve with a divergence spike at 3,333 and a non-finite loss at 2,000. */
function lossAt(step: number): number {
  if (step === 2000) return Number.NaN;
  return 0.7 / Math.sqrt(step) + 0.05 * Math.sin(step / 50) + (step === 3333 ? 9 : 0);
}

type Rolled = { size: number; bucket: number; lastStep: number; steps: number; lossSum: number; lossMin: number; lossMax: number };

/** The rollup the stored rows call for, computed here from scratch: complete buckets (every step ≤ durable) with a finite loss. */
function referenceRollup(rows: [number, number][], durable: number): Rolled[] {
  const out: Rolled[] = [];
  for (const size of ROLLUP_SIZES) {
    const groups = new Map<number, Rolled>();
    for (const [step, loss] of rows) {
      const bucket = Math.floor(step / size);
      if (!Number.isFinite(loss) || (bucket + 1) * size - 1 > durable) continue;
      const g = groups.get(bucket) ?? { size, bucket, lastStep: step, steps: 0, lossSum: 0, lossMin: Infinity, lossMax: -Infinity };
      g.lastStep = Math.max(g.lastStep, step);
      g.steps++;
      g.lossSum += loss;
      g.lossMin = Math.min(g.lossMin, loss);
      g.lossMax = Math.max(g.lossMax, loss);
      groups.set(bucket, g);
    }
    out.push(...groups.values());
  }
  return out;
}

async function storedRollup(id: string): Promise<Rolled[]> {
  return db.prisma.curveRollup.findMany({ where: { sessionId: id }, orderBy: [{ size: "asc" }, { bucket: "asc" }], select: { size: true, bucket: true, lastStep: true, steps: true, lossSum: true, lossMin: true, lossMax: true } });
}

function expectRollupEqual(actual: Rolled[], expected: Rolled[]): void {
  expect(actual.map((r) => [r.size, r.bucket, r.lastStep, r.steps, r.lossMin, r.lossMax])).toEqual(expected.map((r) => [r.size, r.bucket, r.lastStep, r.steps, r.lossMin, r.lossMax]));
  actual.forEach((r, k) => expect(r.lossSum).toBeCloseTo(expected[k].lossSum, 9));
}

/**
 * The curve `/curve` must draw, computed independently: the coarsest rollup size giving every one of
 * `buckets` equal step ranges at least one range, its complete ranges as items at their last step, the
 * rows after the last one as items of their own, grouped in equal step ranges over first..last stored step.
 */
function referenceCurve(rows: [number, number][], durable: number, buckets: number): [number, number, number, number][] {
  const first = rows[0][0];
  const end = rows[rows.length - 1][0] + 1;
  const size = [...ROLLUP_SIZES].filter((s) => s * buckets <= end - first).pop() ?? 0;
  const rolled = size ? referenceRollup(rows, durable).filter((r) => r.size === size) : [];
  const tailFrom = rolled.length > 0 ? (rolled[rolled.length - 1].bucket + 1) * size : 0;
  const items = [...rolled.map((r) => [r.lastStep, r.steps, r.lossSum, r.lossMin, r.lossMax]), ...rows.filter(([s, l]) => s >= tailFrom && Number.isFinite(l)).map(([s, l]) => [s, 1, l, l, l])];
  const groups = new Map<number, number[]>();
  for (const [s, n, sum, lo, hi] of items) {
    const b = Math.floor(((s - first) * buckets) / (end - first));
    const g = groups.get(b) ?? [s, 0, 0, Infinity, -Infinity];
    groups.set(b, [Math.max(g[0], s), g[1] + n, g[2] + sum, Math.min(g[3], lo), Math.max(g[4], hi)]);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => [g[0], g[2] / g[1], g[3], g[4]]);
}

/** Every bucket holds exactly the stored finite losses after the previous bucket's last step, up to its own: their mean, min and max. */
function expectTruthful(curve: [number, number, number, number][], rows: [number, number][]): void {
  const finite = rows.filter(([, l]) => Number.isFinite(l));
  let k = 0;
  for (const [last, mean, min, max] of curve) {
    const mine: number[] = [];
    while (k < finite.length && finite[k][0] <= last) mine.push(finite[k++][1]);
    expect(mine.length).toBeGreaterThan(0);
    expect([min, max]).toEqual([Math.min(...mine), Math.max(...mine)]);
    expect(mean).toBeCloseTo(mine.reduce((a, b) => a + b, 0) / mine.length, 9);
  }
  expect(k).toBe(finite.length);
}

describe.each([
  ["PGlite (one script per step-only flush)", "pglite", true],
  ["PostgreSQL (Prisma transactions)", "postgres", postgresUp],
] as const)("[issue 13] loss rollup (CurveRollup) on %s", (_name, kind, available) => {
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    if (!available) return;
    if (kind === "pglite") {
      const dir = await mkdtemp(path.join(tmpdir(), "bp-rollup-"));
      db = await openDatabase({ DATA_DIR: dir, DATABASE_URL: undefined });
      close = () => rm(dir, { recursive: true, force: true });
    } else {
      const temp = await createTempDatabase("bp_rollup");
      db = await openDatabase({ DATA_DIR: "unused", DATABASE_URL: temp.url });
      close = temp.drop;
    }
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await close();
  });
  const STEPS = 5000;
  const id = "0c0ffee0-0000-4000-8000-000000000001";
  const rows: [number, number][] = [];

  it.skipIf(!available)("the flush rolls up every bucket its steps complete, in the same transaction, through both write paths; a retried batch changes nothing", async () => {
    await newSession(id);
    const flush = createFlush(db.prisma, db.runScript);
    const rand = random(13);
    let last: WriteOp[] = [];
    for (let step = 1; step <= STEPS; ) {
      const n = 1 + Math.floor(rand() * 40);
      const batch = Array.from({ length: Math.min(n, STEPS - step + 1) }, (_, k) => row(step + k, lossAt(step + k)));
      step += batch.length;
      const ops: WriteOp[] = [{ kind: "steps", sessionId: id, rows: batch }];
      // Every third batch also carries a state op: the Prisma transaction path instead of the one script.
      if (rand() < 0.33) ops.push({ kind: "state", sessionId: id, state: "playing", ended: false });
      await flush(ops);
      for (const r of batch) rows.push([r.step, r.loss]);
      last = ops;
    }
    await flush(last); // a batch retried after a commit whose acknowledgement was lost
    const written = await storedRollup(id);
    expectRollupEqual(written, referenceRollup(rows, STEPS));
    expect(written.filter((r) => r.size === 4096)).toHaveLength(1);
    expect(Math.max(...written.filter((r) => r.size === 16).map((r) => r.lossMax))).toBeGreaterThan(8.9); // the spike is in the rollup
    // The lazy backfill of a run stored before the rollup existed computes the same rows.
    await db.prisma.curveRollup.deleteMany({ where: { sessionId: id } });
    await Promise.all([catchUpRollup(db.prisma, id), catchUpRollup(db.prisma, id)]);
    expectRollupEqual(await storedRollup(id), written);
  });

  it.skipIf(!available).each([10, 50, 77, 400])("getCurveBuckets(%i) equals the reference grouping of the raw rows, spike and last step included", async (buckets) => {
    const curve = await getCurveBuckets(db.prisma, id, buckets);
    const reference = referenceCurve(rows, STEPS, buckets);
    expect(curve.length).toBeLessThanOrEqual(buckets);
    expect(curve.map((b) => [b[0], b[2], b[3]])).toEqual(reference.map((b) => [b[0], b[2], b[3]]));
    curve.forEach((b, k) => expect(b[1]).toBeCloseTo(reference[k][1], 9));
    expectTruthful(curve, rows);
    expect(curve[curve.length - 1][0]).toBe(STEPS); // the live tail is exact
    expect(Math.max(...curve.map((b) => b[3]))).toBe(lossAt(3333));
  });

  it.skipIf(!available)("a stale rollup (a cache read before the last steps) still gives a truthful curve: the exact tail starts where it stops", async () => {
    const head = (await getCurveHead(db.prisma, id))!;
    const full = await readRollupItems(db.prisma, id, head.run, 64);
    const keep = Math.floor(full.items.length / ITEM_FIELDS / 2);
    const stale = { through: (Math.floor(full.items[(keep - 1) * ITEM_FIELDS] / 64) + 1) * 64, items: full.items.slice(0, keep * ITEM_FIELDS) };
    const fresh = await readCurve(db.prisma, id, head, 50);
    const fromStale = await readCurve(db.prisma, id, head, 50, async () => stale);
    expectTruthful(fresh, rows);
    expectTruthful(fromStale, rows);
    // Only the edges of the buckets the stale part covers move, by less than one rollup range.
    expect(fromStale).toHaveLength(fresh.length);
    fromStale.forEach((b, k) => expect(Math.abs(b[0] - fresh[k][0])).toBeLessThan(64));
  });

  it.skipIf(!available)("fast-forward (one row per epoch, then `advance`) rolls up every size; a new run starts its own rollup and keeps the old one", async () => {
    const ff = "0c0ffee0-0000-4000-8000-000000000002";
    await newSession(ff);
    const flush = createFlush(db.prisma, db.runScript);
    const sparse = Array.from({ length: 100 }, (_, k) => row(50 * (k + 1), 1 / (k + 1)));
    await flush([{ kind: "steps", sessionId: ff, rows: sparse }, { kind: "advance", sessionId: ff, step: 5003 }]);
    const durable = 5003;
    expectRollupEqual(await storedRollup(ff), referenceRollup(sparse.map((r) => [r.step, r.loss]), durable));
    const config = parseEngineConfig({});
    const t = new Trainer(config);
    await flush([
      { kind: "reset", sessionId: ff, cause: "reset", config, checkpoint: { kind: "checkpoint", sessionId: ff, step: 0, epoch: 0, cursor: 0, params: t.theta.slice(), hyper: t.hyper, controlSeq: 0 } },
      { kind: "steps", sessionId: ff, rows: Array.from({ length: 32 }, (_, k) => row(k + 1, 2)) },
    ]);
    const byRun = await db.prisma.curveRollup.groupBy({ by: ["run"], where: { sessionId: ff }, _count: true, orderBy: { run: "asc" } });
    expect(byRun.map((r) => [r.run, r._count])).toEqual([
      [0, referenceRollup(sparse.map((r) => [r.step, r.loss]), durable).length],
      [1, 2], // steps 1..15 and 16..31 (32 ends no 16-step bucket)
    ]);
  });
});
