import type { StepTrace } from "@/lib/engine";

/** Most examples a trace sent over the wire lists (a batch can have 2,000). */
const MAX_TRACE_EXAMPLES = 32;

/** Keeps a trace's size bounded: only the first MAX_TRACE_EXAMPLES examples of a large batch. */
export function limitTraceSize(trace: StepTrace): StepTrace & { examplesOmitted: number } {
  const omitted = Math.max(0, trace.examples.length - MAX_TRACE_EXAMPLES);
  return { ...trace, examples: omitted > 0 ? trace.examples.slice(0, MAX_TRACE_EXAMPLES) : trace.examples, examplesOmitted: omitted };
}
