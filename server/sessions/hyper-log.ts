import type { Hyper, HyperChange } from "@/lib/engine";
import type { HyperSegment } from "@/lib/protocol";

/**
 * Which hyperparameters each step of the current run uses, as segments: a segment applies to the
 * steps after its `since` up to the next segment's `since`. The live session records every `set` here,
 * so snapshots and state events say what a step used and no client has to guess.
 */
export class HyperLog {
  private segments: HyperSegment[];

  /** `hyper` applies after step `since`; `pending` are changes logged for later steps (recovery). */
  constructor(since: number, hyper: Hyper, pending: readonly HyperChange[] = []) {
    this.segments = [{ since, hyper: copy(hyper) }];
    for (const p of pending) this.record(p.step, { ...this.latest.hyper, ...p.change });
  }

  /** The newest segment. */
  get latest(): HyperSegment {
    return this.segments[this.segments.length - 1];
  }

  /** A change logged at step count `since`: `hyper` applies to steps after it. */
  record(since: number, hyper: Hyper): void {
    while (this.segments.length > 1 && this.latest.since >= since) this.segments.pop();
    if (this.latest.since >= since) this.segments = [];
    this.segments.push({ since, hyper: copy(hyper) });
  }

  /** The hyperparameters step `step` used (or will use). */
  of(step: number): Hyper {
    for (let i = this.segments.length - 1; i >= 0; i--) if (this.segments[i].since < step) return copy(this.segments[i].hyper);
    return copy(this.segments[0].hyper);
  }

  /** The segments that apply to steps after `step`, oldest first (the last is the newest). */
  after(step: number): HyperSegment[] {
    return this.segments.filter((s, i) => i === this.segments.length - 1 || this.segments[i + 1].since > step).map((s) => ({ since: s.since, hyper: copy(s.hyper) }));
  }

  /** Forgets segments no step from `step` on can use. */
  forgetBefore(step: number): void {
    while (this.segments.length > 1 && this.segments[1].since < step) this.segments.shift();
  }
}

function copy(h: Hyper): Hyper {
  return { ...h, regularization: { ...h.regularization } };
}
