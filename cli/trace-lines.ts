import type { StepTrace } from "../lib/engine/trace";

/** One field of a CSV line (RFC 4180): quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The trace's CSV header: step, epoch, loss, then every parameter by name (w1[1,2] gets quoted). */
export function csvHeader(names: readonly string[]): string {
  return ["step", "epoch", "loss", ...names].map(csvField).join(",");
}

/** One CSV row; numbers at full precision (the shortest text that reads back to the same double). */
export function csvRow(step: number, epoch: number, loss: number, params: ArrayLike<number>): string {
  const fields = [step, epoch, loss];
  for (let k = 0; k < params.length; k++) fields.push(params[k]);
  return fields.map(csvField).join(",");
}

/** Parameters as an object keyed by name, in θ order. */
export function paramsByName(names: readonly string[], params: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  names.forEach((name, k) => (out[name] = params[k]));
  return out;
}

/** One JSON line of the trace: the step's full StepTrace plus the new parameters by name. */
export function jsonStepLine(trace: StepTrace): string {
  return JSON.stringify({ type: "step", ...trace, params: paramsByName(trace.names, trace.after) });
}
