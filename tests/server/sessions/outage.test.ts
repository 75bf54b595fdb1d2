import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { AppError } from "@/lib/errors";
import { parseEngineConfig } from "@/lib/schemas";
import { DATABASE_AWAY_REASON } from "@/server/sessions/availability";
import { NOT_STARTED_MESSAGE, QUEUED_MESSAGE, REQUEST_CHECK_MS } from "@/server/sessions/control-chain";
import { LiveSession } from "@/server/sessions/live-session";
import { WriteQueue } from "@/server/sessions/write-queue";
import type { WriteOp } from "@/server/sessions/write-ops";
import { ManualClock } from "./manual-clock";
import { FakeRoom, MemoryStore } from "./memory-store";

/** A session whose database can hang (`hang`) or fail (`fail`), on fake time; the queue reports outages to it as server/live.ts does. */
function setup() {
  const config = parseEngineConfig({});
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  const clock = new ManualClock();
  const db = { failing: false };
  const flush = async (ops: WriteOp[]) => {
    if (db.failing) throw new Error("connection refused");
    return store.flush(ops);
  };
  let session!: LiveSession;
  const queue = new WriteQueue(flush, {
    clock,
    lingerMs: 0,
    unavailableAfterMs: 500,
    onAvailability: (up) => (up ? session.availability.back() : session.availability.lost()),
  });
  const room = new FakeRoom();
  session = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue, room, clock },
  );
  return { store, clock, db, session, room };
}

/** When (on `clock`) a request was answered, and with what. */
function watch<T>(clock: ManualClock, request: Promise<T>) {
  const seen: { at: number | null; ok: boolean; error: AppError | null } = { at: null, ok: false, error: null };
  request.then(
    () => Object.assign(seen, { at: clock.now(), ok: true }),
    (error: AppError) => Object.assign(seen, { at: clock.now(), error }),
  );
  return seen;
}

describe("a database that stops answering never leaves a request hanging (R23)", () => {
  it("[R23] a database that hangs: the control waiting on its write and the one queued behind it are answered UNAVAILABLE within 5 s", async () => {
    const { store, clock, session } = setup();
    await session.control({ action: "step", count: 2 });
    let answer!: () => void;
    store.gate = () => new Promise<void>((r) => (answer = r)); // the database takes the transaction and never answers
    const t0 = clock.now();
    const running = watch(clock, session.control({ action: "step", count: 1 }));
    const queued = watch(clock, session.control({ action: "play", stepsPerSecond: 10 }));
    await clock.advance(REQUEST_CHECK_MS - 100);
    expect([running.at, queued.at]).toEqual([null, null]); // a slow database is waited for a while
    await clock.advance(5_000 - (REQUEST_CHECK_MS - 100));
    for (const seen of [running, queued]) {
      expect(seen.error).toMatchObject({ code: "UNAVAILABLE" });
      expect(seen.at! - t0).toBeLessThanOrEqual(5_000);
    }
    expect(running.error!.message).toBe(QUEUED_MESSAGE);
    expect(queued.error!.message).toBe(NOT_STARTED_MESSAGE);

    // The database answers again: the step whose write was queued takes effect; the play answered before its turn never runs.
    store.gate = null;
    answer();
    await clock.advance(100);
    expect(session.step).toBe(3);
    expect(store.step).toBe(3);
    expect(session.state).toBe("paused");
    expect(store.controls.map((c) => c.action)).toEqual(["step", "step"]);
    expect(await session.control({ action: "step", count: 1 })).toEqual({ step: 4, state: "paused" });
  });

  it("[R23] a database that fails: once the outage is declared, every waiting request is answered at once, and later ones without waiting", async () => {
    const { clock, db, session, room } = setup();
    await session.control({ action: "play", stepsPerSecond: 20 });
    await clock.advance(500);
    db.failing = true;
    const t0 = clock.now();
    const running = watch(clock, session.control({ action: "set", learningRate: 0.2 }));
    const queued = watch(clock, session.control({ action: "pause" }));
    await clock.until(() => room.of("session:state").some((e) => e.reason === DATABASE_AWAY_REASON), "the outage declared", 5_000, 10);
    for (const seen of [running, queued]) {
      expect(seen.error).toMatchObject({ code: "UNAVAILABLE" });
      expect(seen.at! - t0).toBeLessThan(REQUEST_CHECK_MS); // answered by the declaration, before any request's own check
    }
    expect(running.at).toBe(queued.at);
    expect(session.state).toBe("paused");
    const calledAt = clock.now();
    const later = watch(clock, session.control({ action: "play", stepsPerSecond: 20 }));
    await clock.advance(0);
    expect(later.at).toBe(calledAt);
    expect(later.error!.message).toBe(NOT_STARTED_MESSAGE);

    db.failing = false;
    await clock.until(() => session.availability.unwritable() === null, "the database back", 10_000, 10);
    expect(await session.control({ action: "step", count: 1 })).toMatchObject({ state: "paused" });
  });
});
