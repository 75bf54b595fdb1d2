import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { addressKey } from "@/server/security/address-key";
import { Budgets } from "@/server/security/budgets";
import { startTestServer, type TestServer } from "../helpers/live-server";

describe("one per-address budget for every way of creating a session", { timeout: 60_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", { SESSIONS_PER_IP_PER_HOUR: "3" });
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (path: string, body: unknown) => fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });

  it("SESSIONS_PER_IP_PER_HOUR=3: malformed requests do not count; plain, preset and template creations share the budget; the 4th gets 429 with Retry-After", async () => {
    expect((await post("/api/sessions", { learningRate: "fast" })).status).toBe(400);
    const template = await (await post("/api/templates", { name: "T", config: {} })).json();
    expect((await post("/api/sessions", {})).status).toBe(201);
    expect((await post("/api/sessions", { preset: "dead-relu" })).status).toBe(201);
    expect((await post("/api/sessions", { templateId: template.id })).status).toBe(201);
    for (const body of [{}, { preset: "dead-relu" }, { templateId: template.id }]) {
      const res = await post("/api/sessions", body);
      expect(res.status).toBe(429);
      const retryAfter = Number(res.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(3000); // the hour's window has just begun
      expect(retryAfter).toBeLessThanOrEqual(3600);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe("RATE_LIMITED");
      expect(json.error.message).toMatch(/too many sessions created from your address \(at most 3 per hour\); try again in \d+ s/);
      expect(res.headers.get("content-security-policy")).toBeTruthy(); // still a normal, headed response
    }
    expect(await server.db.prisma.session.count()).toBe(3);
  });

  it("addresses are grouped: IPv4 (and IPv4-mapped) as is, IPv6 by /64", async () => {
    expect(addressKey("::ffff:10.0.0.7")).toBe("10.0.0.7");
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("::1")).toBe("0:0:0:0::/64");
    const budgets = new Budgets({ sessionsPerIpPerHour: 2, templatesPerIpPerHour: 1, forksPerIp: 1, forkSlotMs: 60_000, failedJoinsPerMinute: 2, failedJoinBlockMs: 5_000 });
    await budgets.takeCreation("2001:db8:1:2::a");
    await budgets.takeCreation("2001:db8:1:2::b"); // another address of the same /64
    await expect(budgets.takeCreation("2001:db8:1:2:ffff::c")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await budgets.takeCreation("2001:db8:1:3::a"); // the next /64 has its own budget
    // Failed joins: blocked after the limit, for the block's length.
    expect(await budgets.joinBlockedFor("1.2.3.4")).toBe(0);
    await budgets.failJoin("1.2.3.4");
    expect(await budgets.joinBlockedFor("1.2.3.4")).toBe(0);
    await budgets.failJoin("1.2.3.4");
    const wait = await budgets.joinBlockedFor("1.2.3.4");
    expect(wait).toBeGreaterThan(4_000);
    expect(wait).toBeLessThanOrEqual(5_000);
    expect(await budgets.joinBlockedFor("1.2.3.5")).toBe(0);
    // Fork slots are an exact count: a refused reservation takes nothing, a release gives one back.
    const reservation = await budgets.reserveFork("9.9.9.9");
    await expect(budgets.reserveFork("9.9.9.9")).rejects.toMatchObject({ code: "LIMIT_REACHED" });
    await budgets.releaseFork(reservation);
    await budgets.claimFork("9.9.9.9", await budgets.reserveFork("9.9.9.9"), "fork-1");
    expect(await budgets.forksOf("9.9.9.9")).toEqual(["fork-1"]);
    await budgets.releaseFork("fork-1");
    expect(await budgets.forksOf("9.9.9.9")).toEqual([]);
  });

  it("the environment variables are validated", () => {
    expect(() => loadEnv({ SESSIONS_PER_IP_PER_HOUR: "many" })).toThrow(/SESSIONS_PER_IP_PER_HOUR/);
    expect(loadEnv({ SESSIONS_PER_IP_PER_HOUR: "5" }).SESSIONS_PER_IP_PER_HOUR).toBe(5);
    expect(() => loadEnv({ ALLOWED_ORIGINS: "https://a.example/path" })).toThrow(/ALLOWED_ORIGINS/);
    expect(loadEnv({ ALLOWED_ORIGINS: "https://a.example, http://b.example:8080" }).ALLOWED_ORIGINS).toEqual(["https://a.example", "http://b.example:8080"]);
    expect(() => loadEnv({ PARTICIPANT_TOKEN_SECRET: "short" })).toThrow(/PARTICIPANT_TOKEN_SECRET/);
  });
});
