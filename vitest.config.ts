import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { fileURLToPath } from "node:url";

const E2E = "tests/e2e/**/*.test.ts";
/**
 * Files that measure this machine's timing (frame gaps, HTTP latency against a quiet window) or a
 * server's memory (the flood's RSS growth: 32–42 MB alone, 84–115 MB beside three other integration
 * files on a slow day, when its garbage collection falls behind): they run alone.
 */
const ALONE = ["tests/server/hardening/cpu-share.integration.test.ts", "tests/server/hardening/flood.integration.test.ts"];

/**
 * The files that take a minute or more (a kill -9 loop) or half of one, longest first.
 * A fresh clone has no timings from an earlier run, and Vitest then starts the largest files first, so
 * these could start last and leave the run waiting for them alone while the other workers are idle.
 */
const LONG_FIRST = [
  "tests/server/recovery-loop.integration.test.ts",
  "tests/server/recovery.integration.test.ts",
  "tests/server/hardening/fuzz.integration.test.ts",
  "tests/e2e/lecture-hall.e2e.test.ts",
  "tests/e2e/poll-round.e2e.test.ts",
  "tests/e2e/playground.e2e.test.ts",
];

function rank(spec: TestSpecification): number {
  const i = LONG_FIRST.findIndex((file) => spec.moduleId.endsWith(file));
  return i === -1 ? LONG_FIRST.length : i;
}

/** Vitest's order (projects by group, then what the last run measured, else size), with LONG_FIRST at the head of each project. */
class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Where each project's files begin in Vitest's order; Array.prototype.sort is stable, so within a
    // project and among the rest, Vitest's order stays.
    const first = new Map<unknown, number>();
    sorted.forEach((spec, i) => first.has(spec.project) || first.set(spec.project, i));
    return [...sorted].sort((a, b) => first.get(a.project)! - first.get(b.project)! || rank(a) - rank(b));
  }
}

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    sequence: { sequencer: LongFirstSequencer },
    projects: [
      // Vitest's default on two cores is one file at a time. Most integration files spend their time
      // waiting (for spawned servers, kill -9 moments, timers), so three run side by side; the longest
      // start first (LongFirstSequencer), so that none of them is left running alone at the end.
      {
        extends: true,
        test: { name: "unit+integration", include: ["tests/**/*.test.ts", "tests/**/*.test.tsx"], exclude: [E2E, ...ALONE], globalSetup: ["tests/global-setup.ts"], maxWorkers: 3, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: "alone", include: ALONE, globalSetup: ["tests/global-setup.ts"], maxWorkers: 1, sequence: { groupOrder: 1 } } },
      // Chromium would starve the timing-sensitive integration tests (rate limits, recovery): the browser
      // tests run once everything else has finished, three files at a time. The Next build they need is
      // started in the background by their global setup, before the first test of the run.
      { extends: true, test: { name: "e2e", include: [E2E], globalSetup: ["tests/e2e/global-setup.ts"], maxWorkers: 3, sequence: { groupOrder: 2 } } },
    ],
  },
});
