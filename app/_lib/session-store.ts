import type { Hyper, StepTrace } from "@/lib/engine";
import type { ProjectorFocus } from "@/lib/wire";
import type { ControlsInfo } from "@/lib/wire";
import type { HyperSegment, PhaseEvent, PollAnswer, PollClosed, PollResult, PollTally, PollView, RosterEntry, SessionSnapshot, StateEvent, StepInfo } from "@/lib/protocol";
import { createFrameScheduler } from "./frame-scheduler";
import { ENDED } from "./session-problem";
import { FrameRing } from "./frame-ring";
import { LossHistory } from "./loss-history";
import type { CurveBucket } from "./api";
import type { ConnectionState, SessionMeta, SessionProblem, SessionView, StepFocus, StepRecord, TeachingView } from "./session-types";
import { computeStepTrace, sameParams, type StepOrigin } from "./step-trace";

/** Steps kept for exploring (bounded further for big networks, see `ringCapacity`). */
export const EXPLORE_FRAMES = 2000;
/** Parameter numbers the explore buffer may hold in all. */
const RING_NUMBERS = 4_000_000;

/** What applying a frame did. */
export type FrameResult = "applied" | "stale" | "gap" | "no-snapshot";

const NO_TEACHING: TeachingView = { preset: null, origin: null, templateId: null, poll: null, myVote: null, tally: null, result: null, resultVote: null, closed: null, focus: "network", controls: { driver: null }, driverId: null, firstVote: null };

const EMPTY_VIEW: SessionView = {
  connection: "connecting",
  problem: null,
  notice: null,
  meta: null,
  state: "paused",
  stepsPerSecond: 10,
  hyper: null,
  divergedAt: null,
  reason: null,
  participants: 0,
  roster: [],
  phase: null,
  latest: null,
  nextCursor: 0,
  viewStep: null,
  held: { oldest: 0, newest: 0, count: 0 },
  teaching: NO_TEACHING,
  version: 0,
};

/** How many steps the explore buffer holds for a network of `paramCount` parameters. */
export function ringCapacity(paramCount: number): number {
  return Math.max(50, Math.min(EXPLORE_FRAMES, Math.floor(RING_NUMBERS / Math.max(1, paramCount))));
}

/**
 * The client's copy of a session: snapshot, received steps (a bounded ring), the loss curve and the
 * connection. Frames are applied as they arrive (cheap), but listeners are told at most once per
 * animation frame, and a step's trace is recomputed only when someone reads it, once per step.
 */
export class SessionStore {
  readonly history = new LossHistory();
  private ring = new FrameRing<StepRecord>(EXPLORE_FRAMES);
  private view: SessionView = EMPTY_VIEW;
  private draft: SessionView = EMPTY_VIEW;
  private readonly listeners = new Set<() => void>();
  private readonly scheduler = createFrameScheduler(() => this.flush());
  private focusCache: { version: number; focus: StepFocus } | null = null;
  private readonly traces = new Map<string, StepTrace>();
  /** Hyperparameters by the step count they apply after, newest last (a change applies to steps > since). */
  private hypers: HyperSegment[] = [];

  /** Registers a listener, told at most once per animation frame; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The current view (same object until something changes). */
  getView = (): SessionView => this.view;

  /** The view during server rendering: nothing received yet. */
  getServerView = (): SessionView => EMPTY_VIEW;

  /** Sets the connection state. */
  setConnection(connection: ConnectionState): void {
    this.update({ connection });
  }

  /** Records what stops the page from following the session (null clears it). */
  setProblem(problem: SessionProblem | null): void {
    this.update({ problem });
  }

  /** Shows a passing message. */
  setNotice(notice: string | null): void {
    this.update({ notice });
  }

  /** The stored run before the held history (GET …/curve buckets), drawn before the live tail. */
  backfillCurve(buckets: readonly CurveBucket[]): void {
    this.history.backfill(buckets);
    this.update({});
  }

  /** Replaces everything with a snapshot (join, resync, reset). */
  applySnapshot(s: SessionSnapshot): void {
    const previous = this.draft.latest;
    const sameRun = previous !== null && this.draft.meta !== null && JSON.stringify(this.draft.meta.config) === JSON.stringify(s.config) && previous.step <= s.step;
    if (!sameRun) {
      this.ring = new FrameRing<StepRecord>(ringCapacity(s.params.length));
      this.history.clear();
    }
    this.history.merge(s.history);
    const meta: SessionMeta = { sessionId: s.sessionId, joinCode: s.joinCode, title: s.title, role: s.role, config: s.config };
    const summary = s.history.length > 0 && s.history[s.history.length - 1][0] === s.step ? s.history[s.history.length - 1] : null;
    const latest: StepRecord = {
      step: s.step,
      epoch: s.epoch,
      cursor: s.previous?.cursor ?? s.cursor,
      batch: s.previous?.batch ?? 0,
      loss: summary ? summary[2] : NaN,
      trainLoss: summary ? summary[3] : null,
      trainAccuracy: summary ? summary[4] : null,
      testLoss: summary ? summary[5] : null,
      testAccuracy: summary ? summary[6] : null,
      params: s.params,
      before: s.previous?.params ?? null,
      // The snapshot says what its step used (`previous.hyper`) and what the next steps use (`hypers`).
      hyper: s.previous?.hyper ?? s.hyper,
    };
    this.hypers = s.hypers && s.hypers.length > 0 ? s.hypers.slice() : [{ since: s.hyperSince, hyper: s.hyper }];
    const teaching = this.teachingFrom(s);
    if (s.step > 0 && s.previous) this.ring.push(latest);
    this.update({
      meta,
      problem: s.state === "finished" ? ENDED : null,
      state: s.state,
      stepsPerSecond: s.stepsPerSecond,
      hyper: s.hyper,
      divergedAt: s.divergedAt,
      reason: s.reason,
      participants: s.participants,
      roster: s.roster ?? this.draft.roster,
      phase: s.phase,
      latest,
      nextCursor: s.cursor,
      viewStep: sameRun ? this.draft.viewStep : null,
      teaching,
    });
  }

  /** A poll opened: a fresh question (the previous result and vote are put away); the same poll again is its second round (Q11): the round-1 vote is kept aside. */
  applyPollOpened(poll: PollView): void {
    const t = this.draft.teaching;
    const firstVote = t.poll?.id === poll.id && poll.round === 2 ? (t.poll.round === 1 ? t.myVote : t.firstVote) : null;
    this.update({ teaching: { ...t, poll, myVote: null, firstVote, tally: null, result: null, resultVote: null, closed: null } });
  }

  /** Who is at the controls changed (H4). */
  applyControls(controls: ControlsInfo): void {
    this.update({ teaching: { ...this.draft.teaching, controls } });
  }

  /** The instructor's live tally (ignored for a poll that is no longer open). */
  applyPollTally(tally: PollTally): void {
    if (this.draft.teaching.poll?.id !== tally.pollId) return;
    this.update({ teaching: { ...this.draft.teaching, tally } });
  }

  /** The step ran and the poll is decided; the vote this browser cast stays next to the result. */
  applyPollResult(result: PollResult): void {
    const t = this.draft.teaching;
    const resultVote = t.poll?.id === result.pollId ? t.myVote : t.result?.pollId === result.pollId ? t.resultVote : null;
    this.update({ teaching: { ...t, poll: null, myVote: null, tally: null, result, resultVote } });
  }

  /** The instructor chose what the projector shows (PV1). */
  applyFocus(focus: ProjectorFocus): void {
    this.update({ teaching: { ...this.draft.teaching, focus } });
  }

  /** Puts the last poll's result (or cancellation) away. */
  dismissPollResult(): void {
    this.update({ teaching: { ...this.draft.teaching, result: null, resultVote: null, closed: null } });
  }

  /** The poll was cancelled without a step. */
  applyPollClosed(closed: PollClosed): void {
    const t = this.draft.teaching;
    if (t.poll?.id !== closed.pollId) return;
    this.update({ teaching: { ...t, poll: null, myVote: null, tally: null, closed } });
  }

  /** Records this browser's accepted vote. */
  setMyVote(pollId: string, answer: PollAnswer): void {
    const t = this.draft.teaching;
    if (t.poll?.id !== pollId) return;
    this.update({ teaching: { ...t, myVote: answer } });
  }

  /** Applies one step frame; a gap in step numbers is reported, not applied (the caller resyncs). */
  applyFrame(f: StepInfo): FrameResult {
    const latest = this.draft.latest;
    const hyper = this.draft.hyper;
    if (!latest || !hyper) return "no-snapshot";
    if (f.step <= latest.step) return "stale";
    if (f.step !== latest.step + 1) return "gap";
    const record: StepRecord = { ...f, before: latest.params, hyper: this.hyperFor(f.step) ?? hyper };
    this.ring.push(record);
    this.history.append([f.step, f.epoch, f.loss, f.trainLoss, f.trainAccuracy, f.testLoss, f.testAccuracy]);
    const phase = this.draft.phase;
    this.update({ latest: record, nextCursor: f.cursor + f.batch, phase: phase && phase.step >= f.step ? phase : null });
    return "applied";
  }

  /** Applies a state-machine change (its hyperparameters apply to steps after `hyperSince`). */
  applyState(e: StateEvent): void {
    const last = this.hypers[this.hypers.length - 1];
    if (!last || last.since !== e.hyperSince || JSON.stringify(last.hyper) !== JSON.stringify(e.hyper)) {
      this.hypers = [...this.hypers.filter((h) => h.since < e.hyperSince).slice(-4), { since: e.hyperSince, hyper: e.hyper }];
    }
    this.update({ state: e.state, stepsPerSecond: e.stepsPerSecond, hyper: e.hyper, divergedAt: e.divergedAt, reason: e.reason, ...(e.state === "finished" ? { problem: ENDED } : {}) });
  }

  /** Applies a phase of the walk-through. */
  applyPhase(e: PhaseEvent): void {
    this.update({ phase: e });
  }

  /** Sets the participant count. */
  setParticipants(participants: number): void {
    this.update({ participants });
  }

  /** Sets the instructor's roster. */
  setRoster(roster: RosterEntry[]): void {
    this.update({ roster });
  }

  /** Explore mode: inspect an earlier step (null follows live again). */
  setViewStep(viewStep: number | null): void {
    this.update({ viewStep });
  }

  /** The k-th oldest held step. */
  heldAt(k: number): StepRecord | undefined {
    return this.ring.at(k);
  }

  /** Position of a held step (0 = oldest), or −1. */
  heldIndexOf(step: number): number {
    return this.ring.indexOf(step);
  }

  /** Number of the latest step applied, or null before the first snapshot. */
  lastStep(): number | null {
    return this.draft.latest?.step ?? null;
  }

  /** The step the panels show, with its trace recomputed (once per step, cached). */
  focus(view: SessionView = this.view): StepFocus {
    if (this.focusCache && this.focusCache.version === view.version) return this.focusCache.focus;
    const focus = this.computeFocus(view);
    this.focusCache = { version: view.version, focus };
    return focus;
  }

  /** Cancels a pending notification (the page is going away). */
  dispose(): void {
    this.scheduler.cancel();
  }

  /**
   * The teaching state a snapshot carries. A snapshot sent to the whole room (a preset, new data) has
   * no `myVote`: the vote this browser already cast for the same poll is kept.
   */
  private teachingFrom(s: SessionSnapshot): TeachingView {
    const t = s.teaching;
    const old = this.draft.teaching;
    // A new run (reset, preset, data) starts at step 0: the last poll's result is about the old run.
    const keepResult = s.step > 0;
    if (!t) return { ...NO_TEACHING, focus: old.focus, result: keepResult ? old.result : null, resultVote: keepResult ? old.resultVote : null };
    const samePoll = t.poll !== null && old.poll !== null && old.poll.id === t.poll.id && old.poll.round === t.poll.round;
    return {
      preset: t.preset,
      origin: t.origin,
      templateId: t.templateId,
      poll: t.poll,
      myVote: t.myVote !== undefined ? t.myVote : samePoll ? old.myVote : null,
      tally: samePoll ? old.tally : null,
      result: t.poll || !keepResult ? null : old.result,
      resultVote: t.poll || !keepResult ? null : old.resultVote,
      closed: null,
      focus: t.focus ?? old.focus,
      controls: t.controls ?? old.controls,
      driverId: t.driverId ?? old.driverId,
      firstVote: t.poll && old.poll && old.poll.id === t.poll.id ? (old.poll.round === t.poll.round ? old.firstVote : old.myVote) : null,
    };
  }

  /** The hyperparameters step k was made with, if known. */
  private hyperFor(k: number): Hyper | null {
    for (let i = this.hypers.length - 1; i >= 0; i--) if (this.hypers[i].since < k) return this.hypers[i].hyper;
    return null;
  }

  private computeFocus(view: SessionView): StepFocus {
    const { meta, latest, phase, hyper } = view;
    if (!meta || !latest || !hyper) return { kind: "none", step: 0, trace: null, params: [], before: null, phase: null, mismatch: false };
    const explored = view.viewStep !== null ? this.ring.get(view.viewStep) : undefined;
    if (explored && explored.before) return this.fromRecord("explore", explored, null);
    if (phase && phase.step === latest.step + 1) {
      const origin: StepOrigin = { step: phase.step, epoch: latest.epoch, cursor: phase.cursor, batch: phase.batch, before: phase.params, hyper: this.hyperFor(phase.step) ?? hyper };
      const trace = this.trace(meta, origin);
      return { kind: "pending", step: phase.step, trace, params: phase.params, before: phase.params, phase: phase.phase, mismatch: false };
    }
    if (latest.before) return this.fromRecord("live", latest, phase && phase.step === latest.step ? phase.phase : null);
    const next = this.hyperFor(latest.step + 1) ?? hyper;
    const origin: StepOrigin = { step: latest.step + 1, epoch: latest.epoch, cursor: view.nextCursor, batch: next.batchSize, before: latest.params, hyper: next };
    const trace = this.trace(meta, origin);
    return { kind: "preview", step: latest.step + 1, trace, params: latest.params, before: latest.params, phase: null, mismatch: false };
  }

  private fromRecord(kind: "live" | "explore", r: StepRecord, phase: StepFocus["phase"]): StepFocus {
    const meta = this.view.meta!;
    const origin: StepOrigin = { step: r.step, epoch: r.epoch, cursor: r.cursor, batch: r.batch, before: r.before!, hyper: r.hyper };
    // r.hyper is what the server said this step used (snapshot `previous.hyper`, `hypers`, state events).
    const trace = this.trace(meta, origin);
    const mismatch = trace !== null && !trace.diverged && !sameParams(trace.after, r.params);
    if (mismatch && process.env.NODE_ENV !== "production") {
      console.warn(`step ${r.step}: the locally recomputed θ differs from the broadcast one`, { local: trace!.after, broadcast: r.params });
    }
    return { kind, step: r.step, trace, params: r.params, before: r.before, phase, mismatch };
  }

  private trace(meta: SessionMeta, origin: StepOrigin): StepTrace | null {
    const key = `${meta.sessionId}:${origin.step}:${origin.cursor}:${origin.batch}:${origin.hyper.learningRate}:${checksum(origin.before)}`;
    const hit = this.traces.get(key);
    if (hit) return hit;
    let trace: StepTrace | null = null;
    try {
      trace = computeStepTrace(meta.config, origin);
    } catch (err) {
      if (process.env.NODE_ENV !== "production") console.warn(`step ${origin.step}: cannot recompute the trace`, err);
    }
    if (trace) {
      if (this.traces.size >= 8) this.traces.delete(this.traces.keys().next().value!);
      this.traces.set(key, trace);
    }
    return trace;
  }

  private update(change: Partial<SessionView>): void {
    const held = this.ring.size > 0 ? { oldest: this.ring.at(0)!.step, newest: this.ring.newest()!.step, count: this.ring.size } : { oldest: 0, newest: 0, count: 0 };
    this.draft = { ...this.draft, ...change, held, version: this.draft.version + 1 };
    this.scheduler.request();
  }

  private flush(): void {
    this.view = this.draft;
    for (const listener of this.listeners) listener();
  }
}

/** A cheap fingerprint of θ for the trace cache (a reset may revisit a step number with other θ). */
function checksum(theta: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < theta.length; k++) s += theta[k] * (k + 1);
  return s;
}
