import { defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const E2E = "tests/e2e/**/*.test.ts";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Vitest's default on two cores is one file at a time. Most integration files spend their time
    // waiting (for spawned servers, kill -9 moments, timers, a 60 s flood), so three run side by side.
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: "unit+integration", include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"], exclude: [E2E], globalSetup: ["tests/global-setup.ts"], sequence: { groupOrder: 0 } } },
      // Chromium and the Next build would starve the timing-sensitive integration tests (rate limits,
      // recovery): the browser tests run once everything else has finished.
      { extends: true, test: { name: "e2e", include: [E2E], globalSetup: ["tests/e2e/global-setup.ts"], sequence: { groupOrder: 1 } } },
    ],
  },
});
