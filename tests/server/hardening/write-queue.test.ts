import { describe, expect, it } from "vitest";
import { WriteQueue, WriteRefusedError, type FailureKind } from "@/server/sessions/write-queue";
import type { WriteOp } from "@/server/sessions/write-ops";
import { ManualClock } from "../sessions/manual-clock";

const step = (sessionId: string, n: number): WriteOp => ({ kind: "steps", sessionId, rows: [{ step: n, epoch: 0, loss: n, trainLoss: null, trainAccuracy: null, testLoss: null, testAccuracy: null }] });
const label = (op: WriteOp) => (op.kind === "steps" ? `${op.sessionId}${op.rows[0].step}` : op.kind);

/** A database that stores ops atomically per batch, refuses any batch containing a `bad` op, and can be down. */
function fakeDatabase() {
  const db = { committed: [] as string[], down: false, bad: new Set<string>(), batches: 0 };
  const flush = async (ops: WriteOp[]) => {
    db.batches++;
    if (db.down) throw Object.assign(new Error("Connection terminated unexpectedly"), { kind: "outage" });
    const bad = ops.find((o) => db.bad.has(label(o)));
    if (bad) throw Object.assign(new Error(`violates check constraint (${label(bad)})`), { kind: "refused" });
    db.committed.push(...ops.map(label));
  };
  const classify = (err: unknown): FailureKind => (err as { kind: FailureKind }).kind;
  const probe = async () => {
    if (db.down) throw new Error("down");
  };
  return { db, flush, classify, probe };
}

describe("write queue under database faults (fake time)", () => {
  it("a refused batch is bisected: the good ops commit, the bad op and its session's later ops are refused, other sessions go on", async () => {
    const { db, flush, classify, probe } = fakeDatabase();
    const refusedSessions: (string | null)[] = [];
    const clock = new ManualClock();
    const q = new WriteQueue(flush, { classify, probe, lingerMs: 0, onRefused: (s) => refusedSessions.push(s), clock });
    db.bad.add("b3");
    const ops = [step("a", 1), step("b", 1), step("c", 1), step("b", 2), step("a", 2), step("b", 3), step("c", 2), step("b", 4), step("a", 3)];
    db.down = true; // hold the queue so every op lands in one batch
    const results = ops.map((op) => q.push(op).then(() => "ok", (e: unknown) => (e instanceof WriteRefusedError ? "refused" : "other")));
    await clock.advance(20);
    db.down = false;
    await clock.advance(1000); // the next retry
    expect(await Promise.all(results)).toEqual(["ok", "ok", "ok", "ok", "ok", "refused", "ok", "refused", "ok"]);
    expect(db.committed).toEqual(["a1", "b1", "c1", "b2", "a2", "c2", "a3"]); // in order, no gap in b
    expect(refusedSessions).toEqual(["b"]);
    expect(q.refused).toBe(2);
    await expect(q.push(step("b", 5))).rejects.toBeInstanceOf(WriteRefusedError); // b stays stopped
    await q.push(step("a", 4));
    expect(db.committed.at(-1)).toBe("a4");
    expect(db.batches).toBeLessThan(30); // bisection, not a retry loop
  });

  it("an outage keeps every op, reports the database unavailable, and flushes everything in order when it is back", async () => {
    const { db, flush, classify, probe } = fakeDatabase();
    const availability: boolean[] = [];
    const clock = new ManualClock();
    const q = new WriteQueue(flush, { classify, probe, lingerMs: 0, onAvailability: (a) => availability.push(a), clock }); // the production delays: unavailable after 2 s
    db.down = true;
    const done = [1, 2, 3, 4].map((n) => q.push(step("a", n)));
    await clock.advance(1900);
    expect(q.available).toBe(true); // failing, not yet unavailable
    await clock.advance(1500);
    expect(q.available).toBe(false);
    expect(availability).toEqual([false]);
    expect(db.committed).toEqual([]);
    expect(q.size).toBe(4);
    db.down = false;
    await clock.advance(2000); // retries back off to at most 2 s
    await Promise.all(done);
    expect(db.committed).toEqual(["a1", "a2", "a3", "a4"]);
    expect(q.available).toBe(true);
    expect(availability).toEqual([false, true]);
    expect(q.refused).toBe(0);
  });

  it("a refusal while the probe fails counts as an outage: nothing is dropped", async () => {
    const { db, classify } = fakeDatabase();
    const clock = new ManualClock();
    let probeFails = true;
    let calls = 0;
    const q = new WriteQueue(
      async (ops) => {
        calls++;
        if (probeFails) throw Object.assign(new Error("strange error"), { kind: "refused" });
        db.committed.push(...ops.map(label));
      },
      {
        classify,
        probe: async () => {
          if (probeFails) throw new Error("no answer");
        },
        lingerMs: 0,
        retryMs: 5,
        maxRetryMs: 10,
        clock,
      },
    );
    const first = q.push(step("a", 1));
    const last = q.push(step("a", 2));
    await clock.advance(60);
    expect(calls).toBeGreaterThan(1);
    probeFails = false;
    await clock.advance(10);
    await Promise.all([first, last]);
    expect(db.committed).toEqual(["a1", "a2"]);
    expect(q.refused).toBe(0);
  });

  it("roster ops beyond maxQueuedOps are refused while training ops still queue", async () => {
    const { db, flush, classify, probe } = fakeDatabase();
    db.down = true;
    const clock = new ManualClock();
    const q = new WriteQueue(flush, { classify, probe, lingerMs: 0, retryMs: 5, maxQueuedOps: 3, clock });
    const ops = [1, 2, 3].map((n) => q.push(step("a", n)));
    await expect(q.push({ kind: "participant-leave", id: "p", leftAt: new Date() })).rejects.toThrow(/queue full/);
    const fourth = q.push(step("a", 4));
    db.down = false;
    await clock.advance(10);
    await Promise.all([...ops, fourth]);
    expect(db.committed).toEqual(["a1", "a2", "a3", "a4"]);
  });
});
