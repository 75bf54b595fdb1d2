/**
 * Review finding 2: pause/shutdown/enterDiverged checkpoint the trainer, which a phase walk has moved one
 * step past the durable step. If the walk is then lost (SIGTERM, R16), the stale checkpoint of a step that
 * never became durable stays in the store; after the restart a `set` makes the real step differ, and every
 * later rebuild (kill -9 recovery, session:trace) starts from the stale checkpoint (R7, R15).
 */
import { expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { decodeStepFrame } from "@/lib/protocol";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { rebuildAt } from "@/server/sessions/rebuild";
import { WriteQueue } from "@/server/sessions/write-queue";
import { FakeRoom, MemoryStore } from "../sessions/memory-store";

it("[R15] a checkpoint is never written for a step that is not durable", async () => {
  const config = parseEngineConfig({});
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  const queue = new WriteQueue(store.flush);
  const first = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue, room: new FakeRoom() },
  );
  await first.control({ action: "step", count: 2 });
  await first.control({ action: "phase" }); // walks step 3 (computed, not durable)
  await first.shutdown(); // SIGTERM mid-walk
  expect(store.step).toBe(2);
  // Fails here already: a checkpoint of step 3 exists although step 3 was never stored.
  const stale = [...store.checkpoints.keys()].filter((k) => k > store.step);

  // Restart as registry.load does.
  const record = store.record();
  const { trainer: t2, pending, previous } = rebuildAt(config, record, record.step);
  const room = new FakeRoom();
  const second = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer: t2, controlSeq: record.lastSeq, pending, hyperSince: record.lastSetStep, history: [], previous },
    { queue, room },
  );
  await second.control({ action: "set", learningRate: 3 });
  await second.control({ action: "step", count: 5 });
  const frames = room.of("session:step").map((f) => decodeStepFrame(f));
  expect(frames.map((f) => f.step)).toEqual([3, 4, 5, 6, 7]);

  // kill -9 now: recovery rebuilds step 7 from the newest checkpoint ≤ 7, i.e. the stale one.
  const recovered = rebuildAt(config, store.record(), store.step);
  expect({ stale, theta: Array.from(recovered.trainer.theta) }).toEqual({ stale: [], theta: frames.at(-1)!.params });
});
