import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CreationBudget } from "@/server/http/creation-budget";
import { loadEnv } from "@/server/env";
import { startTestServer, type TestServer } from "../helpers/live-server";

describe("per-IP limit on creating sessions", { timeout: 60_000 }, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", { SESSIONS_PER_IP_PER_HOUR: "3" });
  });
  afterAll(async () => {
    await server?.close();
  });

  const post = (body: string) => fetch(`${server.url}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("SESSIONS_PER_IP_PER_HOUR=3: malformed requests do not count, the 4th creation gets 429 RATE_LIMITED with Retry-After", async () => {
    expect((await post(JSON.stringify({ learningRate: "fast" }))).status).toBe(400);
    for (let i = 0; i < 3; i++) expect((await post("{}")).status).toBe(201);
    const res = await post("{}");
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(1100); // one creation per 1,200 s at 3 per hour
    expect(retryAfter).toBeLessThanOrEqual(1200);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("RATE_LIMITED");
    expect(body.error.message).toMatch(/too many sessions created from your address \(at most 3 per hour\); try again in \d+ s/);
    expect(res.headers.get("content-security-policy")).toBeTruthy(); // still a normal, headed response
    expect(await server.db.prisma.session.count()).toBe(3);
  });

  it("the budget refills evenly over the hour, per address", () => {
    let now = 0;
    const budget = new CreationBudget(4, () => now);
    for (let i = 0; i < 4; i++) expect(budget.take("1.2.3.4")).toBe(0);
    const wait = budget.take("1.2.3.4");
    expect(Math.abs(wait - 900_000)).toBeLessThanOrEqual(1); // 3,600 s / 4
    expect(budget.take("5.6.7.8")).toBe(0); // another address is not affected
    now = 900_002;
    expect(budget.take("1.2.3.4")).toBe(0);
    expect(budget.take("1.2.3.4")).toBeGreaterThan(0);
  });

  it("the environment variable is validated", () => {
    expect(() => loadEnv({ SESSIONS_PER_IP_PER_HOUR: "many" })).toThrow(/SESSIONS_PER_IP_PER_HOUR/);
    expect(loadEnv({ SESSIONS_PER_IP_PER_HOUR: "5" }).SESSIONS_PER_IP_PER_HOUR).toBe(5);
  });
});
