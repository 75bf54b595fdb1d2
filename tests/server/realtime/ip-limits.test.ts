import { describe, expect, it } from "vitest";
import { FailedJoinLimiter } from "@/server/realtime/ip-limits";

describe("FailedJoinLimiter", () => {
  it("blocks an address for blockMs once it reaches the failures of one minute; others are unaffected", () => {
    let t = 1_000_000;
    const limiter = new FailedJoinLimiter(3, 5_000, () => t);
    limiter.fail("a");
    limiter.fail("a");
    expect(limiter.blockedFor("a")).toBe(0);
    limiter.fail("a");
    expect(limiter.blockedFor("a")).toBe(5_000);
    expect(limiter.blockedFor("b")).toBe(0);
    t += 5_000;
    expect(limiter.blockedFor("a")).toBe(0);
  });

  it("starts a new window after a minute, so slow typos never block", () => {
    let t = 0;
    const limiter = new FailedJoinLimiter(3, 5_000, () => t);
    for (let i = 0; i < 100; i++) {
      limiter.fail("a");
      t += 30_001; // two a minute
      expect(limiter.blockedFor("a")).toBe(0);
    }
  });
});
