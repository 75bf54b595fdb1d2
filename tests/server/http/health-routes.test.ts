import { describe, expect, it } from "vitest";
import { Health, metricsAllowed, READINESS_TIMEOUT_MS } from "@/server/http/health-routes";

const TOKEN = "s3cret-token-of-some-length";

describe("metricsAllowed (who may read /metrics)", () => {
  it("lets loopback in, IPv4, IPv6 and IPv4-mapped", () => {
    for (const addr of ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"]) expect(metricsAllowed(addr, undefined, undefined), addr).toBe(true);
  });

  it("refuses any other address without the token", () => {
    for (const addr of ["192.0.2.7", "10.0.0.1", "::ffff:192.0.2.7", "2001:db8::1", "128.0.0.1", undefined]) {
      expect(metricsAllowed(addr, undefined, TOKEN), String(addr)).toBe(false);
      expect(metricsAllowed(addr, `Bearer ${TOKEN}x`, TOKEN), String(addr)).toBe(false);
      expect(metricsAllowed(addr, TOKEN, TOKEN), `${addr} without Bearer`).toBe(false);
    }
  });

  it("lets another address in with Authorization: Bearer <METRICS_TOKEN>, never when no token is set", () => {
    expect(metricsAllowed("192.0.2.7", `Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(metricsAllowed("192.0.2.7", "Bearer ", undefined)).toBe(false);
    expect(metricsAllowed("192.0.2.7", "Bearer undefined", undefined)).toBe(false);
  });
});

describe("Health.readiness", () => {
  it("is ready with every check passing, and names each failing check otherwise", async () => {
    const health = new Health();
    health.require({ name: "database", check: async () => undefined });
    expect(await health.readiness()).toEqual({ ready: true });
    health.require({ name: "redis", check: async () => Promise.reject(new Error("connect ECONNREFUSED\nstack…")) });
    expect(await health.readiness()).toEqual({ ready: false, reason: "redis: connect ECONNREFUSED" });
  });

  it("fails a check that does not answer in time", async () => {
    const health = new Health();
    health.require({ name: "database", check: () => new Promise(() => undefined) });
    expect(await health.readiness()).toEqual({ ready: false, reason: `database: no answer within ${READINESS_TIMEOUT_MS} ms` });
  });

  it("is not ready once shutdown has started, whatever the checks say", async () => {
    const health = new Health();
    health.require({ name: "database", check: async () => undefined });
    health.shuttingDown = true;
    expect(await health.readiness()).toEqual({ ready: false, reason: "shutting down" });
  });
});
