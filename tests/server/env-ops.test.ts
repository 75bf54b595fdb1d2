import { describe, expect, it } from "vitest";
import { loadEnv } from "@/server/env";
import { defaultLogLevel } from "@/server/log";

describe("operations variables in server/env.ts", () => {
  it("LOG_LEVEL takes pino's levels, defaults to info (warn under tests), and names the variable when wrong", () => {
    expect(loadEnv({ LOG_LEVEL: "debug" }).LOG_LEVEL).toBe("debug");
    expect(loadEnv({ LOG_LEVEL: "silent" }).LOG_LEVEL).toBe("silent");
    expect(loadEnv({}).LOG_LEVEL).toBe(defaultLogLevel());
    expect(defaultLogLevel("production")).toBe("info");
    expect(defaultLogLevel("test")).toBe("warn");
    expect(() => loadEnv({ LOG_LEVEL: "verbose" })).toThrow(/^invalid environment variable LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent$/);
  });

  it("METRICS_TOKEN must be long enough to guess badly; SHUTDOWN_DRAIN_SECONDS a bounded number", () => {
    expect(loadEnv({}).METRICS_TOKEN).toBeUndefined();
    expect(loadEnv({ METRICS_TOKEN: "" }).METRICS_TOKEN).toBeUndefined();
    expect(() => loadEnv({ METRICS_TOKEN: "short" })).toThrow(/^invalid environment variable METRICS_TOKEN: must be at least 16 characters$/);
    expect(loadEnv({}).SHUTDOWN_DRAIN_SECONDS).toBe(0);
    expect(loadEnv({ SHUTDOWN_DRAIN_SECONDS: "10" }).SHUTDOWN_DRAIN_SECONDS).toBe(10);
    expect(() => loadEnv({ SHUTDOWN_DRAIN_SECONDS: "-1" })).toThrow(/SHUTDOWN_DRAIN_SECONDS: must be ≥ 0/);
    expect(() => loadEnv({ SHUTDOWN_DRAIN_SECONDS: "abc" })).toThrow(/SHUTDOWN_DRAIN_SECONDS/);
  });
});
