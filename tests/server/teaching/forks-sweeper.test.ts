import { describe, expect, it } from "vitest";
import type { Control } from "@/lib/protocol";
import type { LiveSession } from "@/server/sessions/live-session";
import type { SessionRegistry } from "@/server/sessions/registry";
import { ForkService } from "@/server/teaching/forks";

/** A session as the sweeper sees it: origin link, participants, state, and the `end` control. */
function fakeSession(id: string, fork: boolean) {
  const s = {
    id,
    state: "paused" as string,
    participants: new Map<string, unknown>(),
    teaching: { origin: fork ? { sessionId: "origin", step: 3 } : null },
    controls: [] as Control[],
    control: async (c: Control) => {
      s.controls.push(c);
      if (c.action === "end") s.state = "finished";
      return { step: 0, state: s.state };
    },
  };
  return s;
}

describe("[F4] fork sweeper (fake clock)", () => {
  it("[F4] ends a fork after FORK_IDLE_HOURS without participants or controls, never an origin, and counts activity", async () => {
    let now = 0;
    const idle = fakeSession("idle", true);
    const busy = fakeSession("busy", true);
    const origin = fakeSession("origin", false);
    const unloaded: string[] = [];
    const registry = {
      all: () => [idle, busy, origin],
      loaded: () => undefined,
      unloadIfIdle: (s: { id: string }) => unloaded.push(s.id),
    } as unknown as SessionRegistry;
    const forks = new ForkService({ registry, prisma: {} as never, limits: { perParticipant: 3, perIp: 10, idleMs: 24 * 3600_000, sweepMs: 1000 }, now: () => now });
    for (const s of [idle, busy, origin]) forks.touch(s as unknown as LiveSession);
    busy.participants.set("socket", {});

    now = 23 * 3600_000;
    expect(await forks.sweep()).toBe(0);
    // A control at 23 h restarts the idle clock of that fork.
    forks.touch(idle as unknown as LiveSession);
    now = 24 * 3600_000 + 1;
    expect(await forks.sweep()).toBe(0);
    now = 47 * 3600_000 + 1;
    expect(await forks.sweep()).toBe(1);
    expect(idle.controls).toEqual([{ action: "end" }]);
    expect(idle.state).toBe("finished");
    expect(unloaded).toEqual(["idle"]);
    // The fork in use and the origin are untouched, however long it takes.
    now = 1000 * 3600_000;
    expect(await forks.sweep()).toBe(0);
    expect(busy.controls).toEqual([]);
    expect(origin.controls).toEqual([]);
    // Once its last participant leaves, the busy fork's idle clock starts from the last sweep that saw someone.
    busy.participants.clear();
    now += 24 * 3600_000;
    expect(await forks.sweep()).toBe(1);
    expect(busy.state).toBe("finished");
  });
});
