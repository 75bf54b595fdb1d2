import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const E2E = "tests/e2e/**/*.test.ts";
/** Files that measure this machine's timing (frame gaps, HTTP latency against a quiet window): they run alone. */
const ALONE = ["tests/server/hardening/cpu-share.integration.test.ts"];

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    projects: [
      // Vitest's default on two cores is one file at a time. Most integration files spend their time
      // waiting (for spawned servers, kill -9 moments, timers), so two run side by side.
      {
        extends: true,
        test: { name: "unit+integration", include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"], exclude: [E2E, ...ALONE], globalSetup: ["tests/global-setup.ts"], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: "alone", include: ALONE, globalSetup: ["tests/global-setup.ts"], maxWorkers: 1, sequence: { groupOrder: 1 } } },
      // Chromium would starve the timing-sensitive integration tests (rate limits, recovery): the browser
      // tests run once everything else has finished, three files at a time. The Next build they need is
      // started in the background by their global setup, before the first test of the run.
      { extends: true, test: { name: "e2e", include: [E2E], globalSetup: ["tests/e2e/global-setup.ts"], maxWorkers: 3, sequence: { groupOrder: 2 } } },
    ],
  },
});
