import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that take a minute or more (a kill -9 loop, a 60 s flood) or half of one, longest first.
 * A fresh clone has no timings from an earlier run, and Vitest then starts the largest files first, so
 * these could start last and leave the run waiting for them alone while the other workers are idle.
 */
const LONG_FIRST = [
  "tests/server/recovery-loop.integration.test.ts",
  "tests/server/hardening/flood.integration.test.ts",
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
export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: within a project and among the rest, Vitest's order stays.
    const group = (spec: TestSpecification) => sorted.findIndex((s) => s.project === spec.project);
    return [...sorted].sort((a, b) => group(a) - group(b) || rank(a) - rank(b));
  }
}
