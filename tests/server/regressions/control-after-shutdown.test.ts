/**
 * Review finding 6: app.close() runs the shutdown hooks (registry.shutdown, then queue.close) before it
 * closes Socket.IO, and LiveSession accepts controls after shutdown(). A `play` arriving in that window
 * restarts the loop; once the queue is closed, StepPipeline.produce's writes reject and nobody handles
 * them (`lastWrite`, `void queue.push(checkpoint)`, `void persistState()`): unhandled rejections, which
 * end a Node process with exit code 1 instead of R16's clean exit 0.
 */
import { expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { LiveSession } from "@/server/sessions/live-session";
import { WriteQueue } from "@/server/sessions/write-queue";
import { ManualClock } from "../sessions/manual-clock";
import { FakeRoom, MemoryStore } from "../sessions/memory-store";

it("[R16] after shutdown a session refuses controls, and nothing rejects unhandled", async () => {
  const config = parseEngineConfig({});
  const trainer = new Trainer(config);
  const store = new MemoryStore(config, { params: trainer.theta.slice(), hyper: trainer.hyper });
  const clock = new ManualClock();
  const queue = new WriteQueue(store.flush, { clock, lingerMs: 0 });
  const session = new LiveSession(
    { id: "s1", joinCode: "ABCDEF", title: "t", keyHash: "", config, state: "paused", trainer, controlSeq: 0, pending: [], hyperSince: 0, history: [], previous: null },
    { queue, room: new FakeRoom(), clock },
  );
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.prependListener("unhandledRejection", onUnhandled);
  try {
    await session.shutdown(); // registry.shutdown()
    // The instructor's click, still connected (Socket.IO closes only after the hooks). Refusing it is fine.
    await session.control({ action: "play", stepsPerSecond: 60 }).catch(() => undefined);
    await queue.close(); // the next shutdown hook
    await clock.advance(200); // a restarted play loop would tick and write meanwhile
    // fails: { state: "playing", unhandled: ["Error: write queue is closed", …] }
    expect({ state: session.state, unhandled: [...new Set(unhandled.map(String))] }).toEqual({ state: "paused", unhandled: [] });
  } finally {
    process.off("unhandledRejection", onUnhandled);
    await session.control({ action: "end" }).catch(() => undefined);
  }
});
