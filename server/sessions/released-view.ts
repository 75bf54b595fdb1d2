import type { Trainer } from "@/lib/engine";
import { PROTOCOL_VERSION, SNAPSHOT_HISTORY, type Role, type RosterEntry, type SessionSnapshot, type StateEvent, type StepInfo, type StepSummary, type TeachingInfo } from "@/lib/protocol";
import { HyperLog } from "./hyper-log";
import type { RunState } from "./run-state";
import type { ScheduledChange } from "./step-source";
import type { StepRow } from "./write-ops";

/** Where the released step left the run: what every client has been sent. */
export interface ReleasedPosition {
  step: number;
  epoch: number;
  cursor: number;
  params: number[];
}

/** How a restored session's view starts (recovery, or a new session). */
export interface ReleasedInit {
  hyperSince: number;
  pending: ScheduledChange[];
  history: StepSummary[];
  previous: SessionSnapshot["previous"];
}

/**
 * What every client has been sent of the current run: the released step and its parameters, the step
 * before it, the recent metrics, and which hyperparameters each step used. The engine may be ahead of
 * it (playing, mid-walk); snapshots and state events show only this.
 */
export class ReleasedView {
  private hypers: HyperLog;
  private history: StepSummary[];
  private previous: SessionSnapshot["previous"];
  private at: ReleasedPosition;

  constructor(trainer: Trainer, init: ReleasedInit) {
    this.hypers = new HyperLog(init.hyperSince, trainer.hyper, init.pending);
    this.history = init.history.slice(-SNAPSHOT_HISTORY);
    this.previous = init.previous;
    this.at = positionOf(trainer);
  }

  /** The released step, its epoch, the cursor after it and the parameters after it. */
  get position(): ReleasedPosition {
    return this.at;
  }

  /** A `set` logged at step count `since`: `hyper` applies to the steps after it. */
  recordHyper(since: number, hyper: Trainer["hyper"]): void {
    this.hypers.record(since, hyper);
  }

  /** A step was sent to everyone; `trainSize` is the training split's size (the cursor wraps there). */
  release(info: StepInfo, trainSize: number): void {
    this.previous = { params: this.at.params, cursor: info.cursor, batch: info.batch, hyper: this.hypers.of(info.step) };
    this.hypers.forgetBefore(info.step);
    this.at = { step: info.step, epoch: info.epoch, cursor: (info.cursor + info.batch) % trainSize, params: info.params };
    this.history.push([info.step, info.epoch, info.loss, info.trainLoss, info.trainAccuracy, info.testLoss, info.testAccuracy]);
    if (this.history.length > SNAPSHOT_HISTORY * 2) this.history = this.history.slice(-SNAPSHOT_HISTORY);
  }

  /** A new run from `trainer` at step 0: nothing of the old run is shown. */
  restart(trainer: Trainer): void {
    this.hypers = new HyperLog(0, trainer.hyper);
    this.history = [];
    this.previous = null;
    this.at = positionOf(trainer);
  }

  /** Everyone jumps to where `trainer` stands (after a fast-forward, which sends no step frames). */
  jumpTo(trainer: Trainer): void {
    this.previous = null;
    this.at = positionOf(trainer);
  }

  /** Metrics stored without step frames (a fast-forward's epoch rows). */
  addRows(rows: StepRow[]): void {
    for (const r of rows) this.history.push([r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
    this.history = this.history.slice(-SNAPSHOT_HISTORY);
  }

  /** The part of a snapshot this view knows. */
  fields(): Pick<SessionSnapshot, "hyper" | "hyperSince" | "hypers" | "step" | "epoch" | "cursor" | "params" | "previous" | "history"> {
    return { hyper: this.hypers.latest.hyper, hyperSince: this.hypers.latest.since, hypers: this.hypers.after(this.at.step), ...this.at, previous: this.previous, history: this.history.slice() };
  }

  /** The newest hyperparameters and the step count they apply after. */
  latest(): { hyper: Trainer["hyper"]; hyperSince: number } {
    return { hyper: this.hypers.latest.hyper, hyperSince: this.hypers.latest.since };
  }
}

/** What a snapshot is assembled from: the session's identity, its run, who is in, and its teaching state. */
export interface SnapshotParts {
  id: string;
  joinCode: string;
  title: string;
  run: RunState;
  participants: number;
  roster: () => RosterEntry[];
  /** What the session keeps plus what the teaching hook adds (the open poll, the projector focus). */
  teaching: TeachingInfo;
}

/** What a client needs to draw the session now. */
export function snapshotOf(s: SnapshotParts, role: Role): SessionSnapshot {
  const run = s.run;
  return {
    protocol: PROTOCOL_VERSION,
    sessionId: s.id,
    joinCode: s.joinCode,
    title: s.title,
    role,
    config: run.config,
    state: run.state,
    stepsPerSecond: run.stepsPerSecond,
    ...run.view.fields(),
    phase: run.walk.event(),
    divergedAt: run.state === "diverged" ? run.view.position.step + 1 : null,
    reason: run.reason,
    participants: s.participants,
    // Omitted, not undefined: a snapshot crossing nodes turns undefined into null.
    ...(role === "instructor" ? { roster: s.roster() } : {}),
    teaching: s.teaching,
  };
}

/** The `session:state` event of the run now. */
export function stateEventOf(run: RunState): StateEvent {
  return {
    state: run.state,
    step: run.view.position.step,
    stepsPerSecond: run.stepsPerSecond,
    ...run.view.latest(),
    divergedAt: run.state === "diverged" ? run.view.position.step + 1 : null,
    reason: run.reason,
  };
}

function positionOf(t: Trainer): ReleasedPosition {
  return { step: t.step, epoch: t.epoch, cursor: t.cursor, params: Array.from(t.theta) };
}
