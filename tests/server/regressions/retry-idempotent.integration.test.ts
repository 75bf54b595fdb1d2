/**
 * Review finding 4: the write queue retries a failed transaction as a whole, but a transaction can fail
 * after committing (PostgreSQL connection lost during COMMIT: the client cannot know). Re-applying a batch
 * must then be harmless. It is not: control events go through createMany without skipDuplicates, so the
 * retry hits the (sessionId, seq) unique index forever; every session's writes are stuck behind it, no step
 * is ever broadcast again, and shutdown's drain never ends (R16).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { createFlush } from "@/server/data/write-ops";
import { insertSession } from "@/server/data/sessions";
import { openDatabase, type Database } from "@/server/db";
import type { WriteOp } from "@/server/sessions/write-ops";

let db: Database;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bp-review-"));
  db = await openDatabase({ DATA_DIR: dir, DATABASE_URL: undefined });
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

it("re-applying a committed batch (retry after an ambiguous commit) succeeds and changes nothing", async () => {
  const config = parseEngineConfig({});
  const t = new Trainer(config);
  const id = "7b0c2a34-2d7e-4a49-9a53-6d3b7c1f0a11";
  await insertSession(db.prisma, { id, title: "t", joinCode: "ABCDEF", keyHash: "h", config, params: t.theta.slice(), hyper: t.hyper });
  const flush = createFlush(db.prisma);
  const batch: WriteOp[] = [
    { kind: "control", sessionId: id, seq: 1, step: 0, action: "step", payload: { count: 1 } },
    { kind: "steps", sessionId: id, rows: [{ step: 1, epoch: 0, loss: 0.25, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null }] },
  ];
  await flush(batch); // committed, but imagine the acknowledgement was lost: the queue retries it
  await expect(flush(batch)).resolves.toBeUndefined(); // fails: unique constraint on ControlEvent(sessionId, seq)
});
