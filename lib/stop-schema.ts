import { z } from "zod";
import type { StopCondition } from "./engine/stop";

/** Where play pauses by itself (`play { until }`): a step count, an epoch count, or a target training loss. */
export const stopConditionSchema = z.discriminatedUnion(
  "kind",
  [
    z.strictObject({ kind: z.literal("steps"), count: z.int("must be an integer").min(1, "must be ≥ 1").max(1_000_000_000, "must be ≤ 1000000000") }),
    z.strictObject({ kind: z.literal("epochs"), count: z.int("must be an integer").min(1, "must be ≥ 1").max(1_000_000, "must be ≤ 1000000") }),
    z.strictObject({ kind: z.literal("loss"), below: z.number("must be a finite number").min(0, "must be ≥ 0").max(1e6, "must be ≤ 1000000") }),
  ],
  { error: "kind must be steps, epochs or loss" },
) satisfies z.ZodType<StopCondition, unknown>;
