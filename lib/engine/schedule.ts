/**
 * Learning-rate schedules. The rate of an update depends only on the schedule, the base rate η and
 * the number of updates already applied (t = 0 for the first), through +, × and ÷ alone (never
 * Math.pow), so every engine computes the same bits.
 */
export type LrSchedule = (
  | { kind: "constant" }
  /** η·factor^⌊t / every⌋: the rate drops by `factor` every `every` updates. */
  | { kind: "step"; every: number; factor: number }
  /** η / (1 + decay·t). */
  | { kind: "inverse"; decay: number }
) & {
  /** Step count at which t = 0 (default 0; a schedule set during a run starts where it was set). */
  start?: number;
};

/** Names of the schedules, in menu order. */
export const LR_SCHEDULE_KINDS = ["constant", "step", "inverse"] as const satisfies readonly LrSchedule["kind"][];

/** The rate of the update that follows `step` applied updates (t = step − start, at least 0). */
export function scheduledRate(base: number, schedule: LrSchedule | undefined, step: number): number {
  if (schedule === undefined || schedule.kind === "constant") return base;
  const t = schedule.start === undefined ? step : Math.max(0, step - schedule.start);
  if (schedule.kind === "inverse") return base / (1 + schedule.decay * t);
  // factor^k by repeated multiplication from the left: the same sequence of roundings everywhere
  const drops = Math.floor(t / schedule.every);
  let rate = base;
  for (let k = 0; k < drops && rate !== 0; k++) rate *= schedule.factor;
  return rate;
}

/** The schedule as printed in explanations. */
export function describeSchedule(schedule: LrSchedule | undefined): string {
  if (schedule === undefined || schedule.kind === "constant") return "constant";
  if (schedule.kind === "inverse") return `1/t decay: η_t = η / (1 + ${schedule.decay}·t)`;
  return `step decay: η_t = η·${schedule.factor}^⌊t / ${schedule.every}⌋`;
}
