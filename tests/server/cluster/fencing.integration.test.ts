import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEngineConfig } from "@/lib/schemas";
import { Trainer } from "@/lib/engine";
import { LeaseKeeper } from "@/server/cluster/lease-keeper";
import { createFencedFlush } from "@/server/cluster/fenced-flush";
import { claimLease } from "@/server/data/leases";
import { insertSession } from "@/server/data/sessions";
import { openDatabase, type Database } from "@/server/db";
import { WriteQueue } from "@/server/sessions/write-queue";
import { createTempDatabase, postgresReachable } from "../helpers/postgres";

const hasPostgres = await postgresReachable();
if (!hasPostgres) console.warn("lease fencing tests skipped: PostgreSQL is unreachable at 127.0.0.1:5432");

const row = (step: number) => ({ step, epoch: 0, loss: 0.5, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null });

describe.skipIf(!hasPostgres)("[C9] session leases fence the writes of a node that lost one", { timeout: 60_000 }, () => {
  let db: Database;
  let drop: () => Promise<void>;
  const keepers: LeaseKeeper[] = [];
  beforeAll(async () => {
    const tmp = await createTempDatabase("bp_fence");
    drop = tmp.drop;
    db = await openDatabase({ DATABASE_URL: tmp.url, DATA_DIR: "/nonexistent" });
  });
  afterAll(async () => {
    for (const k of keepers) await k.stop();
    await db?.close();
    await drop?.();
  });

  async function session(): Promise<string> {
    const id = crypto.randomUUID();
    const config = parseEngineConfig({});
    const t = new Trainer(config);
    await insertSession(db.prisma, { id, title: "t", joinCode: id.slice(0, 6).toUpperCase(), keyHash: "x", config, params: t.theta.slice(), hyper: t.hyper });
    return id;
  }

  async function durableStep(id: string): Promise<number> {
    return (await db.prisma.session.findUniqueOrThrow({ where: { id } })).step;
  }

  it("[C9] one lease per session: a second node cannot claim a live lease; the holder's writes commit", async () => {
    const lost: string[] = [];
    const nodeA = new LeaseKeeper(db.prisma, "node-a", (id) => lost.push(id));
    keepers.push(nodeA);
    const id = await session();
    expect(await nodeA.claim(id)).toBe(true);
    expect(await claimLease(db.prisma, id, "node-b", 3_000)).toBeNull();
    const queue = new WriteQueue(createFencedFlush(db.prisma, nodeA), { retryMs: 5, maxRetryMs: 20 });
    await queue.push({ kind: "steps", sessionId: id, rows: [row(1), row(2)] });
    expect(await durableStep(id)).toBe(2);
    expect(lost).toEqual([]);
  });

  it("[C9] once another node took the lease (it expired), the old holder's steps are refused, never committed, and it learns it lost the session", async () => {
    const lost: string[] = [];
    const nodeA = new LeaseKeeper(db.prisma, "node-a2", (id) => lost.push(id));
    keepers.push(nodeA);
    const id = await session();
    expect(await nodeA.claim(id)).toBe(true);
    // Node A stalls (its local deadline has not passed yet) while its lease expires in the database and B claims it.
    await db.prisma.sessionLease.update({ where: { sessionId: id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await claimLease(db.prisma, id, "node-b2", 3_000)).toBe(2);
    const queue = new WriteQueue(createFencedFlush(db.prisma, nodeA), { retryMs: 5, maxRetryMs: 20 });
    const write = queue.push({ kind: "steps", sessionId: id, rows: [row(1)] });
    await expect(write).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(await durableStep(id)).toBe(0);
    expect(lost).toEqual([id]);
    expect(nodeA.holds(id)).toBe(false);
  });
});
