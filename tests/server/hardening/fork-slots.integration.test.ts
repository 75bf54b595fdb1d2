/**
 * Live-fork slots (server/security/fork-slots.ts), in memory (one process) and in Redis (every node of
 * a cluster): an exact count under concurrency, handed from a reservation to the fork, given back by
 * fork id from any node, and run out after their window.
 */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { Budgets } from "@/server/security/budgets";
import { MemoryForkSlots, RedisForkSlots, type ForkSlotStore } from "@/server/security/fork-slots";
import { redisReachable, SHARED_REDIS_URL } from "../cluster/helpers";

const redisUp = await redisReachable();
const connections: Redis[] = [];
afterAll(() => {
  for (const r of connections) r.disconnect();
});

/** Two handles on one store: two processes' views in Redis, the same object in memory. */
type Stores = () => { a: ForkSlotStore; b: ForkSlotStore };
const cases: [string, boolean, Stores][] = [
  ["memory", true, () => {
    const store = new MemoryForkSlots();
    return { a: store, b: store };
  }],
  ["Redis, two nodes", redisUp, () => {
    const prefix = `bp-slots-test-${randomBytes(4).toString("hex")}`;
    const [ra, rb] = [new Redis(SHARED_REDIS_URL), new Redis(SHARED_REDIS_URL)];
    connections.push(ra, rb);
    return { a: new RedisForkSlots(ra, prefix), b: new RedisForkSlots(rb, prefix) };
  }],
];

describe.each(cases)("[issue 13] fork slots (%s)", (_name, available, stores) => {
  it.skipIf(!available)("30 concurrent takes of a 10-slot address: exactly 10 succeed, on either node", async () => {
    const { a, b } = stores();
    const taken = await Promise.all(Array.from({ length: 30 }, (_, k) => (k % 2 ? a : b).take("10.0.0.1", `r${k}`, 10, 60_000)));
    expect(taken.filter(Boolean)).toHaveLength(10);
    expect((await b.holders("10.0.0.1")).sort()).toEqual(taken.flatMap((t, k) => (t ? [`r${k}`] : [])).sort());
    expect(await a.take("10.0.0.2", "other", 10, 60_000)).toBe(true); // another address has its own slots
  });

  it.skipIf(!available)("a reservation becomes its fork's slot; the other node gives it back by the fork's id; a given-back slot is free again", async () => {
    const { a, b } = stores();
    expect(await a.take("10.0.0.3", "reservation:1", 1, 60_000)).toBe(true);
    await a.hand("10.0.0.3", "reservation:1", "fork-1", 60_000);
    expect(await b.holders("10.0.0.3")).toEqual(["fork-1"]);
    expect(await b.take("10.0.0.3", "reservation:2", 1, 60_000)).toBe(false);
    await b.give("fork-1"); // the fork ended on the other node
    await b.give("fork-1"); // twice is harmless
    expect(await a.holders("10.0.0.3")).toEqual([]);
    expect(await a.take("10.0.0.3", "reservation:3", 1, 60_000)).toBe(true);
    await a.hand("10.0.0.3", "reservation:gone", "fork-x", 60_000); // handing a slot nobody holds creates none
    expect(await a.holders("10.0.0.3")).toEqual(["reservation:3"]);
  });

  it.skipIf(!available)("a slot nobody gives back (a crashed node) runs out after its window", async () => {
    const { a, b } = stores();
    expect(await a.take("10.0.0.4", "fork-crashed", 1, 150)).toBe(true);
    expect(await b.take("10.0.0.4", "fork-next", 1, 150)).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(await b.holders("10.0.0.4")).toEqual([]);
    expect(await b.take("10.0.0.4", "fork-next", 1, 60_000)).toBe(true);
  });
});

describe("[issue 13] fork slots when Redis does not answer", () => {
  it("a fork is refused UNAVAILABLE (never made uncounted)", async () => {
    const budgets = new Budgets({ sessionsPerIpPerHour: 5, templatesPerIpPerHour: 5, forksPerIp: 2, forkSlotMs: 60_000, failedJoinsPerMinute: 5, failedJoinBlockMs: 5_000 });
    const dead = new Redis("redis://127.0.0.1:1", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on("error", () => undefined);
    connections.push(dead);
    budgets.useRedis(dead, `bp-dead-${randomBytes(4).toString("hex")}`);
    await expect(budgets.reserveFork("10.0.0.9")).rejects.toMatchObject({ code: "UNAVAILABLE", message: "fork limits cannot be checked right now; try again shortly" });
  });
});
