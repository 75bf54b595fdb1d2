import { describe, expect, it } from "vitest";
import { WriteQueue } from "@/server/sessions/write-queue";
import type { WriteOp } from "@/server/sessions/write-ops";
import { ManualClock } from "./manual-clock";

const state = (n: number): WriteOp => ({ kind: "state", sessionId: "s", state: `s${n}`, ended: false });

describe("the write queue's progress, as the control chain reads it (fake time)", () => {
  it("stalledFor is 0 while idle, grows while a flush hangs, and is 0 again once it commits", async () => {
    const clock = new ManualClock();
    let answer: (() => void) | null = null;
    const committed: string[] = [];
    const q = new WriteQueue(
      async (ops) => {
        if (ops.some((o) => o.kind === "state" && o.state === "s2")) await new Promise<void>((r) => (answer = r));
        committed.push(...ops.map((o) => (o.kind === "state" ? o.state : o.kind)));
      },
      { clock, lingerMs: 0 },
    );
    await clock.advance(10_000);
    expect(q.stalledFor()).toBe(0); // idle for a long time is not stalled
    await q.push(state(1));
    expect(q.stalledFor()).toBe(0);
    await clock.advance(1_000); // idle again: the stall is counted from the next push, not from the last commit
    const hanging = q.push(state(2));
    await clock.advance(2_500);
    expect(q.stalledFor()).toBe(2_500);
    const behind = q.push(state(3)); // queued behind the hanging flush: still no progress
    await clock.advance(500);
    expect(q.stalledFor()).toBe(3_000);
    answer!();
    await Promise.all([hanging, behind]);
    expect(committed).toEqual(["s1", "s2", "s3"]);
    expect(q.stalledFor()).toBe(0);
  });
});
