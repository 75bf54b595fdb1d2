/**
 * Review finding 1: `set` while playing captures `trainer.step`, then awaits the control write; the
 * play loop keeps computing steps meanwhile, so the change is applied later than the logged step.
 * Rebuilding from checkpoint + control log then differs from what was broadcast (R6, R15).
 */
import { expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { rebuildAt } from "@/server/sessions/rebuild";
import { WriteQueue } from "@/server/sessions/write-queue";
import type { WriteOp } from "@/server/sessions/write-ops";
import { ManualClock } from "../sessions/manual-clock";
import { FakeRoom, MemoryStore } from "../sessions/memory-store";

it("[R6] a set sent while playing is applied at the step it was logged for", async () => {
  const config = parseEngineConfig({});
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  let session!: LiveSession;
  const clock = new ManualClock();
  // A database that is slow only for the transaction holding the `set` control: by the time it commits,
  // the play loop (fed by earlier commits) has computed at least one more step.
  const flush = async (ops: WriteOp[]) => {
    const set = ops.find((o) => o.kind === "control" && o.action === "set") as Extract<WriteOp, { kind: "control" }> | undefined;
    if (set) for (let k = 0; k < 200 && session.trainer.step <= set.step; k++) await clock.sleep(5);
    return store.flush(ops);
  };
  const queue = new WriteQueue(flush, { clock, lingerMs: 0 });
  const room = new FakeRoom();
  session = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue, room, clock },
  );
  await session.control({ action: "play", stepsPerSecond: 60 });
  await clock.advance(200);
  const set = session.control({ action: "set", learningRate: 3 });
  await clock.advance(200); // the play loop goes on while the set's transaction waits
  await set;
  await session.control({ action: "pause" });

  const logged = store.controls.find((c) => c.action === "set")!;
  const frames = room.of("session:step").map((f) => decodeStepFrame(f));
  // What a crash before the pause checkpoint (or a session:trace) rebuilds: the step-0 checkpoint + the log.
  const target = logged.step + 3;
  const rebuilt = rebuildAt(config, store.record(target), target);
  expect(rebuilt.trainer.step).toBe(target);
  // fails: the live trainer applied learningRate 3 one or more steps after `logged.step`
  expect(Array.from(rebuilt.trainer.theta), `set logged at step ${logged.step}`).toEqual(frames[target - 1].params);
});
