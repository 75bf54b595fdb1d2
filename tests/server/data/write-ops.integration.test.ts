/**
 * The write queue's flush on PGlite: step-only batches take the one-script fast path (SQL literals, one
 * round trip). It must store exactly what the Prisma path stores, atomically, and be safe to retry.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { insertSession } from "@/server/data/sessions";
import { createFlush } from "@/server/data/write-ops";
import { openDatabase, type Database } from "@/server/db";
import type { StepRow, WriteOp } from "@/server/sessions/write-ops";

let db: Database;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bp-flush-"));
  db = await openDatabase({ DATA_DIR: dir, DATABASE_URL: undefined });
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

let codes = 0;
async function newSession(id: string): Promise<void> {
  const config = parseEngineConfig({});
  const t = new Trainer(config);
  const joinCode = `CODE${String(codes++).padStart(2, "0")}`;
  await insertSession(db.prisma, { id, title: "t", joinCode, keyHash: "h", config, params: t.theta.slice(), hyper: t.hyper });
}

const row = (step: number, loss: number, extra: Partial<StepRow> = {}): StepRow => ({ step, epoch: 0, loss, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null, ...extra });

async function storedSteps(id: string) {
  return db.prisma.stepMetric.findMany({ where: { sessionId: id }, orderBy: { step: "asc" }, select: { step: true, epoch: true, loss: true, trainLoss: true, trainAccuracy: true, testLoss: true, testAccuracy: true } });
}

describe("step-only flushes on PGlite (one script)", () => {
  it("PGlite offers the script runner, so the fast path is the one in use", () => {
    expect(db.kind).toBe("pglite");
    expect(typeof db.runScript).toBe("function");
  });

  it("stores every row bit-exact (doubles, NaN, ±Infinity, null) and moves each session's durable step", async () => {
    const a = "0a9f1c52-0000-4000-8000-000000000001";
    const b = "0a9f1c52-0000-4000-8000-000000000002";
    await newSession(a);
    await newSession(b);
    const flush = createFlush(db.prisma, db.runScript);
    const tricky = [0.1 + 0.2, 1e-300, -0, Number.MAX_VALUE, 5e-324];
    await flush([
      { kind: "steps", sessionId: a, rows: tricky.map((loss, i) => row(i + 1, loss, { trainLoss: i === 0 ? Number.NaN : null, testLoss: i === 1 ? Number.POSITIVE_INFINITY : i === 2 ? Number.NEGATIVE_INFINITY : null, trainAccuracy: 0.75 })) },
      { kind: "steps", sessionId: b, rows: [row(1, 0.5)] },
      { kind: "advance", sessionId: b, step: 40 },
    ]);
    const stored = await storedSteps(a);
    expect(stored.map((r) => r.loss)).toEqual(tricky.map((x) => (Object.is(x, -0) ? 0 : x)));
    expect(stored[0].trainLoss).toBeNaN();
    expect(stored[1].testLoss).toBe(Number.POSITIVE_INFINITY);
    expect(stored[2].testLoss).toBe(Number.NEGATIVE_INFINITY);
    expect(stored.every((r) => r.trainAccuracy === 0.75 && r.testAccuracy === null)).toBe(true);
    const sessions = await db.prisma.session.findMany({ where: { id: { in: [a, b] } }, select: { id: true, step: true } });
    expect(Object.fromEntries(sessions.map((s) => [s.id, s.step]))).toEqual({ [a]: 5, [b]: 40 });
    expect(await storedSteps(b)).toHaveLength(1);
  });

  it("quotes session ids as SQL literals (an id with a quote is stored, not executed)", async () => {
    const id = "it's'; DROP TABLE \"StepMetric\"; --";
    await newSession(id);
    await createFlush(db.prisma, db.runScript)([{ kind: "steps", sessionId: id, rows: [row(1, 0.25)] }]);
    expect(await storedSteps(id)).toEqual([row(1, 0.25)]);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id } })).step).toBe(1);
  });

  it("is atomic: when a later statement fails, the rows inserted before it are not kept, and the next flush works", async () => {
    const id = "0a9f1c52-0000-4000-8000-000000000003";
    await newSession(id);
    const flush = createFlush(db.prisma, db.runScript);
    // The INSERT succeeds; the UPDATE fails (2^40 does not fit the Int column), so the script must roll back.
    const failing: WriteOp[] = [
      { kind: "steps", sessionId: id, rows: [row(1, 0.5)] },
      { kind: "advance", sessionId: id, step: 2 ** 40 },
    ];
    await expect(flush(failing)).rejects.toThrow(/out of range/i);
    expect(await storedSteps(id)).toEqual([]);
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id } })).step).toBe(0);
    await flush([{ kind: "steps", sessionId: id, rows: [row(1, 0.5)] }]);
    expect(await storedSteps(id)).toEqual([row(1, 0.5)]);
  });

  it("re-applying a committed batch (retry after an ambiguous commit) succeeds and changes nothing", async () => {
    const id = "0a9f1c52-0000-4000-8000-000000000004";
    await newSession(id);
    const flush = createFlush(db.prisma, db.runScript);
    const batch: WriteOp[] = [{ kind: "steps", sessionId: id, rows: [row(1, 0.5), row(2, 0.4)] }];
    await flush(batch);
    await expect(flush(batch)).resolves.toBeUndefined();
    expect(await storedSteps(id)).toEqual([row(1, 0.5), row(2, 0.4)]);
  });

  it("a participant row the database refuses costs only that row: the rest of the roster is stored", async () => {
    const id = "0a9f1c52-0000-4000-8000-0000000000a1";
    await newSession(id);
    const flush = createFlush(db.prisma, db.runScript);
    const joinedAt = new Date();
    const joins: WriteOp[] = Array.from({ length: 20 }, (_, i) => ({ kind: "participant-join", id: `0a9f1c52-0000-4000-8000-1000000000${String(i).padStart(2, "0")}`, sessionId: id, name: `S${i}`, role: "student", joinedAt }));
    // A join for a session that does not exist (deleted meanwhile): the foreign key refuses it.
    joins.splice(7, 0, { kind: "participant-join", id: "0a9f1c52-0000-4000-8000-1000000000ff", sessionId: "0a9f1c52-0000-4000-8000-00000000dead", name: "ghost", role: "student", joinedAt });
    await flush([{ kind: "steps", sessionId: id, rows: [row(1, 0.5)] }, ...joins]);
    expect(await db.prisma.participant.count({ where: { sessionId: id } })).toBe(20);
    expect((await storedSteps(id)).map((r) => r.step)).toEqual([1]);
  });

  it("refuses a non-integer step instead of writing it into SQL", async () => {
    const id = "0a9f1c52-0000-4000-8000-000000000005";
    await newSession(id);
    await expect(createFlush(db.prisma, db.runScript)([{ kind: "advance", sessionId: id, step: 1.5 }])).rejects.toThrow(/integer/);
  });
});
