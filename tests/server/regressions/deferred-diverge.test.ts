/**
 * Review finding 3: when the play loop finds the pipeline blocked it queues `enterDiverged` on the control
 * chain without re-checking anything when it runs. If controls were already queued (here `set` then `end`),
 * the stale `enterDiverged` runs after `end` and turns a finished session back into `diverged`, in memory
 * and in the database (R11).
 */
import { expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { WriteQueue } from "@/server/sessions/write-queue";
import type { WriteOp } from "@/server/sessions/write-ops";
import { ManualClock } from "../sessions/manual-clock";
import { FakeRoom, MemoryStore } from "../sessions/memory-store";

it("[R11] end stays final even if the play loop detected divergence while controls were queued", async () => {
  const raw = { layers: [2, 4, 1], activation: { hidden: "linear", output: "linear" }, learningRate: 10, dataset: { points: [{ x: [50, -40], y: [1] }, { x: [-30, 60], y: [0] }] } };
  const config = parseEngineConfig(raw);
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  const room = new FakeRoom();
  const clock = new ManualClock();
  // The transaction carrying the `set` control takes 400 ms (a slow database, a lock...).
  const flush = async (ops: WriteOp[]) => {
    if (ops.some((o) => o.kind === "control" && o.action === "set")) await clock.sleep(400);
    return store.flush(ops);
  };
  const session = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue: new WriteQueue(flush, { clock, lingerMs: 0 }), room, clock },
  );
  await session.control({ action: "play", stepsPerSecond: 10 });
  // The pipeline has computed (and stored) every step up to the divergence; the loop is still releasing them.
  await clock.until(() => session.trainer.divergedAt !== null && store.step === session.trainer.step, "every step up to the divergence stored", 10_000, 2);
  expect(session.state).toBe("playing");
  const set = session.control({ action: "set", learningRate: 0.001 });
  const end = session.control({ action: "end" });
  await clock.advance(1000); // the loop finds the pipeline blocked while both wait for the slow transaction
  await Promise.all([set, end]);
  await clock.advance(50);
  expect(session.state).toBe("finished"); // fails: "diverged"
  expect(store.state).toBe("finished");
});
