import { randomInt } from "node:crypto";
import { describeStop, isStopReached, productionLimit, Trainer, type EngineConfig, type StepTrace, type StopCondition } from "@/lib/engine";
import { editedConfig } from "@/lib/edit-schema";
import { AppError, ErrorCode } from "@/lib/errors";
import { PHASES, PROTOCOL_VERSION, SNAPSHOT_HISTORY, encodeStepFrame, type Control, type ControlActor, type PhaseEvent, type Role, type RosterEntry, type SessionSnapshot, type SessionState, type StateEvent, type StepInfo, type StepSummary, type TeachingInfo } from "@/lib/protocol";
import type { Point } from "@/lib/engine";
import type { RoomPort } from "../realtime/room";
import { runFor } from "../teaching/runs";
import type { Clock } from "./clock";
import { Roster } from "./roster";
import { fastForward } from "./fast-forward";
import { checkpointInterval, lookaheadSteps, StepPipeline } from "./step-pipeline";
import { HyperLog } from "./hyper-log";
import { StepSource, toStepRow, type ScheduledChange } from "./step-source";
import type { WriteQueue } from "./write-queue";
import type { StepRow } from "./write-ops";
import { log } from "../log";

/** A session as loaded from storage (or just created), at its last durable step. */
export interface LiveSessionInit {
  id: string;
  joinCode: string;
  title: string;
  keyHash: string;
  config: EngineConfig;
  state: SessionState;
  trainer: Trainer;
  controlSeq: number;
  /** Hyperparameter changes logged for steps beyond the durable one (recovery). */
  pending: ScheduledChange[];
  hyperSince: number;
  history: StepSummary[];
  previous: SessionSnapshot["previous"];
  /** Teaching state stored with the session (preset note, fork origin, template). */
  teaching?: Partial<Pick<TeachingInfo, "preset" | "origin" | "templateId">>;
}

/** What a poll's reveal needs from the step it ran (Q7). */
export interface RevealedStep {
  /** The step that ran (or would have run, when it diverged). */
  step: number;
  diverged: boolean;
  before: number[];
  after: number[];
  /** The examples of the step's batch. */
  examples: Point[];
}

/** Collaborators of a live session. */
export interface LiveSessionDeps {
  queue: WriteQueue;
  room: RoomPort;
  /** Called once the session has ended (its join code can be reused). */
  onEnded?: (session: LiveSession) => void;
  /** A playing session whose instructors have all left pauses after this long (default 10 minutes). */
  instructorAwayMs?: number;
  /** Time for the away timer (default: the system clock). */
  clock?: Clock;
}

/** What everyone sees while the database does not answer. */
export const DATABASE_AWAY_REASON = "Paused: the database is unreachable; nothing was lost. Play again when it is back.";
/** What everyone sees once it answers again (play does not resume by itself: the instructor decides). */
export const DATABASE_BACK_REASON = "The database is back and every step is stored; the instructor can press play.";

/** How long a session keeps playing with no instructor connected. */
export const INSTRUCTOR_AWAY_MS = 10 * 60_000;

interface PhaseWalk {
  trace: StepTrace;
  info: StepInfo;
  index: number;
}

/**
 * One training session in memory: the state machine (paused → playing → paused, diverged, finished),
 * the instructor's controls, and what every client sees. Controls run one at a time; the play loop
 * releases steps only after they are durable (StepPipeline).
 */
export class LiveSession {
  readonly id: string;
  readonly joinCode: string;
  readonly title: string;
  readonly keyHash: string;
  config: EngineConfig;
  state: SessionState;
  stepsPerSecond = 10;
  reason: string | null = null;
  /** Sockets in the session, by socket id. */
  /** Who is in the session (the owner adds and removes sockets; R19's away timer lives there). */
  readonly participants: Roster;
  private source: StepSource;
  private pipeline: StepPipeline;
  private controlSeq: number;
  /** Which hyperparameters each step uses (snapshots and state events carry it). */
  private hypers: HyperLog;
  private history: StepSummary[];
  private previous: SessionSnapshot["previous"];
  /** The step every client has been sent, and the parameters after it. */
  private released: { step: number; epoch: number; cursor: number; params: number[] };
  private walk: PhaseWalk | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextTickAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private fastForwarding = false;
  private cancelFastForward = false;
  /** Where play pauses by itself (`play { until }`, S1), or null. */
  private stop: StopCondition | null = null;
  /** The released step reached `stop`: nothing more is computed until the pause it queued has run. */
  private stopReached = false;
  /** Set at shutdown: no control is accepted any more. */
  private closed = false;
  /** Who sent the control being applied (logged with it, H5). */
  private actor: ControlActor | null = null;
  /** Set while the database is unavailable: whether this session was playing, and the reason it showed. */
  private outage: { wasPlaying: boolean; reason: string | null } | null = null;
  /** Set once the database refused one of this session's writes: the session stops for good. */
  private refusedReason: string | null = null;
  /** Teaching state the session itself keeps (the preset changes with `preset` and `data` controls). */
  readonly teaching: Pick<TeachingInfo, "preset" | "origin" | "templateId">;
  /** What the teaching layer adds to every snapshot (the open poll, Q9; what the projector shows, PV1); it never writes into the session. */
  teachingView: (() => Pick<TeachingInfo, "poll" | "focus" | "controls">) | null = null;
  /**
   * Called with every control before it applies (inside the control chain); throwing refuses it. The
   * teaching layer uses it to hold the run still while a poll is open (Q6) and to note fork activity.
   */
  controlGuard: ((c: Control) => void) | null = null;

  constructor(
    init: LiveSessionInit,
    private readonly deps: LiveSessionDeps,
  ) {
    this.id = init.id;
    this.joinCode = init.joinCode;
    this.title = init.title;
    this.keyHash = init.keyHash;
    this.config = init.config;
    this.state = init.state;
    this.controlSeq = init.controlSeq;
    this.history = init.history.slice(-SNAPSHOT_HISTORY);
    this.previous = init.previous;
    this.source = new StepSource(init.trainer);
    for (const p of init.pending) this.source.schedule(p);
    this.hypers = new HyperLog(init.hyperSince, init.trainer.hyper, init.pending);
    this.pipeline = new StepPipeline(this.id, this.source, deps.queue, () => this.controlSeq);
    this.released = this.trainerPosition();
    this.participants = new Roster(deps.instructorAwayMs ?? INSTRUCTOR_AWAY_MS, () => this.pauseWithoutInstructor(), deps.clock);
    this.teaching = { preset: init.teaching?.preset ?? null, origin: init.teaching?.origin ?? null, templateId: init.teaching?.templateId ?? null };
  }

  /** True while a step is being walked through phase by phase. */
  get walking(): boolean {
    return this.walk !== null;
  }

  /** True while fast-forwarding. */
  get busyFastForwarding(): boolean {
    return this.fastForwarding;
  }

  /** The step every client has been sent. */
  get step(): number {
    return this.released.step;
  }

  /** Steps computed but not released yet (bounded by lookaheadSteps while playing). */
  get backlog(): number {
    return this.pipeline.backlog;
  }

  /** The session's trainer (ahead of `step` while playing or mid-walk). */
  get trainer(): Trainer {
    return this.source.trainer;
  }

  /** What a client needs to draw the session now. */
  snapshot(role: Role): SessionSnapshot {
    return {
      protocol: PROTOCOL_VERSION,
      sessionId: this.id,
      joinCode: this.joinCode,
      title: this.title,
      role,
      config: this.config,
      state: this.state,
      stepsPerSecond: this.stepsPerSecond,
      hyper: this.hypers.latest.hyper,
      hyperSince: this.hypers.latest.since,
      hypers: this.hypers.after(this.released.step),
      step: this.released.step,
      epoch: this.released.epoch,
      cursor: this.released.cursor,
      params: this.released.params,
      previous: this.previous,
      phase: this.walk ? this.phaseEvent(this.walk) : null,
      divergedAt: this.state === "diverged" ? this.released.step + 1 : null,
      reason: this.reason,
      history: this.history.slice(),
      participants: this.participants.size,
      // Omitted, not undefined: a snapshot crossing nodes turns undefined into null.
      ...(role === "instructor" ? { roster: this.roster() } : {}),
      teaching: { ...this.teaching, poll: null, ...this.teachingView?.() },
    };
  }

  /**
   * Called when participants change: with no instructor left, a playing session pauses after
   * INSTRUCTOR_AWAY_MS (nobody can pause it otherwise, and it would store steps forever).
   */
  participantsChanged(): void {
    this.participants.watch(this.state !== "finished");
  }

  private pauseWithoutInstructor(): void {
    if (this.state !== "playing") return;
    this.control({ action: "pause" })
      .then(() => {
        this.reason = "paused automatically: no instructor has been connected for a while";
        this.broadcastState();
      })
      .catch(() => undefined);
  }

  /** Everyone in the session, for the instructor. */
  roster(): RosterEntry[] {
    return this.participants.list();
  }

  /** Why nothing can be stored for this session right now (restart, refused writes, database away), or null. */
  private unwritable(): AppError | null {
    if (this.closed) return new AppError(ErrorCode.UNAVAILABLE, "the server is restarting; try again in a moment");
    if (this.refusedReason) return new AppError(ErrorCode.UNAVAILABLE, this.refusedReason);
    if (!this.deps.queue.available) return new AppError(ErrorCode.UNAVAILABLE, "the database is unreachable, so nothing can be stored; try again when it is back (nothing was lost)");
    return null;
  }

  /** Applies a control sent by `actor` (logged with it, H5; null: the server itself); resolves with the step and state once it is durable. */
  control(c: Control, actor: ControlActor | null = null): Promise<{ step: number; state: SessionState }> {
    const unwritable = this.unwritable();
    if (unwritable) return Promise.reject(unwritable);
    if (this.fastForwarding && (c.action === "pause" || c.action === "end" || c.action === "reset")) this.cancelFastForward = true;
    return this.serialize(async () => {
      if (this.closed) throw new AppError(ErrorCode.UNAVAILABLE, "the server is restarting; try again in a moment");
      if (this.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
      this.controlGuard?.(c);
      this.actor = actor;
      try {
        await this.apply(c);
      } finally {
        this.actor = null;
      }
      return { step: this.released.step, state: this.state };
    });
  }

  /**
   * The database stopped answering (the write queue says so after its retries kept failing). Steps are
   * broadcast only once stored, so a playing session pauses now, with a reason everyone sees; the
   * steps it computed stay queued (a bounded few) and are released when they are stored.
   */
  databaseLost(): void {
    if (this.state === "finished" || this.outage || this.refusedReason) return;
    const wasPlaying = this.state === "playing" && !this.fastForwarding;
    this.outage = { wasPlaying, reason: this.reason };
    if (wasPlaying) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.state = "paused";
      this.persistState().catch(() => undefined); // queued: stored when the database is back
    }
    this.reason = DATABASE_AWAY_REASON;
    this.broadcastState();
  }

  /** The database answers again: release the steps that are now stored, gap-free, and clear the reason. */
  databaseBack(): void {
    const outage = this.outage;
    if (!outage) return;
    this.outage = null;
    void this.serialize(async () => {
      // A control that was waiting for the database may have started play again: the loop releases then.
      if (this.state !== "playing") for (const info of await this.pipeline.settle()) this.release(info);
      if (this.reason === DATABASE_AWAY_REASON) this.reason = outage.wasPlaying && this.state === "paused" ? DATABASE_BACK_REASON : outage.reason;
      if (outage.wasPlaying) await this.checkpoint();
      this.broadcastState();
    }).catch((err) => log.error({ err, sessionId: this.id }, "could not resume after the database came back"));
  }

  /**
   * The database refused one of this session's writes for a reason of its own (not an outage): later
   * writes of the session are refused too, so it stops where clients are, visibly, and refuses controls.
   * Details go to the server log only.
   */
  writeRefused(_err: unknown): void {
    if (this.refusedReason || this.state === "finished") return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.state === "playing") this.state = "paused";
    this.outage = null;
    this.refusedReason = `Stopped: the database refused to store this session's data, so it stays at step ${this.released.step} (every step shown is stored). Controls are disabled; the session can still be exported.`;
    this.reason = this.refusedReason;
    this.broadcastState();
  }

  /** Runs `fn` in the control chain: no control applies while it runs (a poll opening, Q2). */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new AppError(ErrorCode.UNAVAILABLE, "the server is restarting; try again in a moment"));
    return this.serialize(async () => fn());
  }

  /**
   * Runs `check` then exactly one step through the normal durable path, in the control chain (a poll's
   * reveal, Q7): nothing can run between the check, θ before and the step. Bypasses `controlGuard`.
   * The step is logged as sent by `actor` (H5).
   */
  revealStep(check: () => void, actor: ControlActor | null = null): Promise<RevealedStep> {
    const unwritable = this.unwritable();
    if (unwritable) return Promise.reject(unwritable);
    return this.serialize(async () => {
      if (this.closed) throw new AppError(ErrorCode.UNAVAILABLE, "the server is restarting; try again in a moment");
      if (this.state === "finished") throw new AppError(ErrorCode.CONFLICT, "the session has ended; it is read-only");
      if (this.state === "playing" || this.fastForwarding) throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it first");
      check();
      await this.commitWalk();
      this.source.applyDue();
      const t = this.source.trainer;
      const batch = t.nextBatchSize();
      const examples: Point[] = [];
      for (let k = 0; k < batch; k++) examples.push(t.data.train.points[t.order[t.cursor + k]]);
      const before = this.released.params;
      const step = this.released.step + 1;
      this.actor = actor;
      try {
        await this.stepNow(1);
      } finally {
        this.actor = null;
      }
      const diverged = this.released.step !== step;
      return { step, diverged, before, after: this.released.params, examples };
    });
  }

  /** Server shutdown: stop playing, release what is durable, checkpoint, mark paused. */
  shutdown(): Promise<void> {
    this.closed = true;
    this.participants.stop();
    this.cancelFastForward = true;
    this.pipeline.cancelled = true; // a running `step {count}` stops after its current turn
    return this.serialize(async () => {
      if (this.state === "finished" || this.refusedReason) return; // a refused session can store nothing more
      await this.halt();
      if (this.state === "playing") this.state = "paused";
      this.reason = this.state === "paused" ? "the server restarted; the instructor can press play" : this.reason;
      await Promise.all([this.checkpoint(), this.persistState()]);
      this.broadcastState();
    });
  }

  private async apply(c: Control): Promise<void> {
    switch (c.action) {
      case "play":
        return this.play(c.stepsPerSecond, c.until ?? null);
      case "pause":
        if (this.fastForwarding) return;
        await this.halt();
        if (this.state === "playing") this.state = "paused";
        await this.log(c);
        await Promise.all([this.checkpoint(), this.persistState()]);
        return this.broadcastState();
      case "step":
        return this.stepNow(c.count);
      case "phase":
        return this.nextPhase();
      case "reset":
        return this.reset(c.seed ?? randomInt(0, 2 ** 32 - 1));
      case "preset":
      case "data":
        return this.replaceRun(c);
      case "edit":
        return this.editRun(c);
      case "set":
        return this.set(c);
      case "fastForward":
        return this.runFastForward(c.epochs);
      case "end":
        await this.halt();
        await this.commitWalk();
        await this.log(c);
        await Promise.all([this.checkpoint(), this.persistState("finished")]);
        this.state = "finished";
        this.reason = null;
        this.broadcastState();
        this.deps.onEnded?.(this);
    }
  }

  private async play(stepsPerSecond: number, until: StopCondition | null): Promise<void> {
    const at = this.released;
    if (until && isStopReached(until, { step: at.step, epoch: at.epoch, trainLoss: NaN })) throw new AppError(ErrorCode.BAD_REQUEST, `until: ${describeStop(until)} is already reached (step ${at.step})`);
    const wasPlaying = this.state === "playing";
    this.stepsPerSecond = stepsPerSecond;
    this.stop = until;
    this.stopReached = false;
    await this.commitWalk();
    await this.log(until ? { action: "play", stepsPerSecond, until } : { action: "play", stepsPerSecond });
    if (!wasPlaying) {
      this.pipeline.blocked = false; // from diverged: try again (a changed learning rate may help)
      this.state = "playing";
      this.reason = null;
      this.persistState().catch(() => undefined);
      this.nextTickAt = performance.now();
      this.tick();
    }
    this.broadcastState();
  }

  private tick = (): void => {
    this.timer = null;
    if (this.state !== "playing") return;
    const info = this.pipeline.take();
    if (info) this.release(info);
    else if (this.pipeline.blocked && this.pipeline.backlog === 0) {
      const pipeline = this.pipeline;
      // Queued behind any pending control: act only if nothing changed meanwhile.
      void this.serialize(async () => {
        if (this.state === "playing" && this.pipeline === pipeline && pipeline.blocked && pipeline.backlog === 0) await this.enterDiverged();
      }).catch((err) => log.error({ err, sessionId: this.id }, "could not record a divergence"));
      return;
    }
    if (!this.stopReached) this.pipeline.produce(productionLimit(this.stop, this.source.trainer, this.pipeline.backlog, lookaheadSteps(this.stepsPerSecond)));
    const now = performance.now();
    this.nextTickAt += 1000 / this.stepsPerSecond;
    if (this.nextTickAt < now - 1000) this.nextTickAt = now; // after a long stall, do not burst to catch up
    this.timer = setTimeout(this.tick, Math.max(0, this.nextTickAt - now));
  };

  /** Stops the play loop and releases every computed step (once durable), so clients catch up. */
  private async halt(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const wasPlaying = this.state === "playing";
    if (wasPlaying) this.state = "paused";
    for (const info of await this.pipeline.settle()) this.release(info);
    if (this.pipeline.blocked && wasPlaying) await this.enterDiverged();
  }

  private async stepNow(count: number): Promise<void> {
    if (this.state === "playing") throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it before stepping");
    let left = count;
    if (this.walk) {
      await this.commitWalk();
      left--;
    }
    await this.log({ action: "step", count });
    this.pipeline.blocked = false;
    for (const info of await this.pipeline.run(left)) this.release(info);
    if (this.pipeline.blocked) return this.enterDiverged();
    if (this.state === "diverged") {
      this.state = "paused";
      this.reason = null;
      this.broadcastState();
    }
  }

  private async nextPhase(): Promise<void> {
    if (this.state === "playing") throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it before walking through a step");
    await this.log({ action: "phase" });
    if (!this.walk) {
      this.source.applyDue();
      const t = this.source.trainer;
      const cursor = t.cursor;
      const epoch = t.epoch;
      const trace = t.stepTraced();
      if (trace.diverged) return this.enterDiverged();
      this.walk = { trace, info: this.source.describe(cursor, trace.batchSize, t.epoch !== epoch), index: 0 };
    } else {
      this.walk.index++;
    }
    const walk = this.walk;
    if (PHASES[walk.index] === "update") await this.commitWalk();
    else this.deps.room.broadcast("session:phase", this.phaseEvent(walk));
  }

  /** Makes the walked step durable and releases it (announcing the update phase first). */
  private async commitWalk(): Promise<void> {
    const walk = this.walk;
    if (!walk) return;
    await this.deps.queue.push({ kind: "steps", sessionId: this.id, rows: [toStepRow(walk.info)] });
    this.walk = null;
    walk.index = PHASES.indexOf("update");
    this.deps.room.broadcast("session:phase", this.phaseEvent(walk));
    this.release(walk.info);
  }

  private async reset(seed: number): Promise<void> {
    await this.startRun({ ...this.config, init: { ...this.config.init, seed } }, { action: "reset", seed });
  }

  /** `preset` and `data`: a new run from another config (D1); the room sees the preset's note, if any. */
  private async replaceRun(c: Extract<Control, { action: "preset" | "data" }>): Promise<void> {
    const { config, preset } = runFor(this.config, c);
    await this.startRun(config, c, () => (this.teaching.preset = preset));
  }

  /** `edit`: a new run from the edited config, the current weights that still fit carried over (E1–E4). */
  private async editRun(c: Extract<Control, { action: "edit" }>): Promise<void> {
    await this.halt();
    await this.commitWalk(); // a step walked phase by phase is part of the weights being edited
    let config: EngineConfig;
    try {
      config = editedConfig(this.config, this.source.trainer.theta, c.edit);
    } catch (error) {
      throw new AppError(ErrorCode.BAD_REQUEST, `edit: ${(error as Error).message}`);
    }
    await this.startRun(config, c);
  }

  /** Starts a new run at step 0 from `config`, logging `logged`; `before` runs just before everyone gets the snapshot. */
  private async startRun(config: EngineConfig, logged: Record<string, unknown> & { action: string }, before?: () => void): Promise<void> {
    await this.halt();
    this.walk = null;
    await this.log(logged);
    const source = new StepSource(new Trainer(config));
    const pipeline = new StepPipeline(this.id, source, this.deps.queue, () => this.controlSeq);
    const checkpoint = pipeline.checkpointOp() as Extract<ReturnType<StepPipeline["checkpointOp"]>, { kind: "checkpoint" }>;
    // The new run becomes visible only once it is stored (with its step-0 checkpoint, atomically).
    await Promise.all([this.deps.queue.push({ kind: "reset", sessionId: this.id, cause: logged.action, config, checkpoint }), this.persistState("paused")]);
    this.config = config;
    this.source = source;
    this.pipeline = pipeline;
    this.state = "paused";
    this.reason = null;
    this.hypers = new HyperLog(0, source.trainer.hyper);
    this.history = [];
    this.previous = null;
    this.released = this.trainerPosition();
    before?.();
    this.deps.room.broadcast("session:snapshot", this.snapshot("student"));
  }

  private async set(c: Extract<Control, { action: "set" }>): Promise<void> {
    const { action: _, ...change } = c;
    const n = this.source.trainer.data.train.n;
    if (change.batchSize !== undefined && change.batchSize > n) throw new AppError(ErrorCode.BAD_REQUEST, `batchSize: must be ≤ the training split size ${n}, got ${change.batchSize}`);
    const step = this.source.trainer.step;
    // Log and apply in the same tick: the play loop cannot compute a step in between, and the log op
    // is queued before any step computed with the new values (the queue is first in, first out).
    const logged = this.log(c, step);
    this.source.schedule({ step, change });
    this.hypers.record(step, this.source.trainer.hyper);
    await logged;
    if (this.state === "diverged") {
      this.state = "paused";
      this.reason = null;
      this.pipeline.blocked = false;
      this.persistState().catch(() => undefined);
    }
    this.broadcastState();
  }

  private async runFastForward(epochs: number): Promise<void> {
    await this.halt();
    await this.commitWalk();
    await this.log({ action: "fastForward", epochs });
    this.fastForwarding = true;
    this.cancelFastForward = false;
    this.state = "playing";
    this.reason = `fast-forwarding ${epochs} epochs`;
    this.broadcastState();
    const t = this.source.trainer;
    const persist = (rows: StepRow[]) =>
      Promise.all([
        rows.length > 0 ? this.deps.queue.push({ kind: "steps", sessionId: this.id, rows }) : Promise.resolve(),
        this.deps.queue.push({ kind: "advance", sessionId: this.id, step: t.step }),
        this.deps.queue.push(this.pipeline.checkpointOp()),
      ]).then(() => {
        for (const r of rows) this.history.push([r.step, r.epoch, r.loss, r.trainLoss, r.trainAccuracy, r.testLoss, r.testAccuracy]);
        this.history = this.history.slice(-SNAPSHOT_HISTORY);
      });
    try {
      const rest = await fastForward(this.source, epochs, {
        cancelled: () => this.cancelFastForward,
        checkpointEvery: checkpointInterval(t.layout.count, t.hyper.batchSize),
        persist,
      });
      this.state = t.divergedAt !== null ? "diverged" : "paused";
      this.reason = this.state === "diverged" ? divergenceReason(t.divergedAt!) : null;
      await Promise.all([persist(rest), this.persistState()]);
      this.previous = null;
      this.released = this.trainerPosition();
    } finally {
      this.fastForwarding = false;
    }
    this.deps.room.broadcast("session:snapshot", this.snapshot("student"));
  }

  private async enterDiverged(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.state = "diverged";
    this.reason = divergenceReason(this.source.trainer.step + 1);
    await Promise.all([this.checkpoint(), this.persistState()]);
    this.broadcastState();
  }

  /** Sends a committed step to everyone. */
  private release(info: StepInfo): void {
    info.sentAt = Date.now();
    this.previous = { params: this.released.params, cursor: info.cursor, batch: info.batch, hyper: this.hypers.of(info.step) };
    this.hypers.forgetBefore(info.step);
    const n = this.source.trainer.data.train.n;
    this.released = { step: info.step, epoch: info.epoch, cursor: (info.cursor + info.batch) % n, params: info.params };
    this.history.push([info.step, info.epoch, info.loss, info.trainLoss, info.trainAccuracy, info.testLoss, info.testAccuracy]);
    if (this.history.length > SNAPSHOT_HISTORY * 2) this.history = this.history.slice(-SNAPSHOT_HISTORY);
    this.deps.room.broadcast("session:step", encodeStepFrame(info));
    const stop = this.stop;
    if (stop && !this.stopReached && this.state === "playing" && isStopReached(stop, { step: info.step, epoch: info.epoch, trainLoss: info.trainLoss ?? NaN })) {
      this.stopReached = true;
      // S1: the same pause an instructor would send, logged, at the step that reached the condition;
      // `stop` stays set until then, so the play loop computes nothing beyond it meanwhile
      void this.serialize(async () => {
        if (this.stop !== stop) return; // a later play replaced the condition
        this.stop = null;
        this.stopReached = false;
        this.reason = `stopped at ${describeStop(stop)} (step ${info.step})`; // the pause's state event carries it
        await this.apply({ action: "pause" });
      }).catch((err) => log.error({ err, sessionId: this.id }, "could not pause at the stop condition"));
    }
  }

  private async log(payload: Control | Record<string, unknown>, step = this.released.step): Promise<void> {
    const { action, ...rest } = payload as { action: string };
    this.controlSeq++;
    await this.deps.queue.push({ kind: "control", sessionId: this.id, seq: this.controlSeq, step, action, payload: rest, actor: this.actor });
  }

  private persistState(state: SessionState = this.state): Promise<void> {
    return this.deps.queue.push({ kind: "state", sessionId: this.id, state, ended: state === "finished" });
  }

  /** Stores a checkpoint of the engine, unless a walked step is open (the engine is then one step past what is stored). */
  private checkpoint(): Promise<void> {
    if (this.walk) return Promise.resolve();
    return this.deps.queue.push(this.pipeline.checkpointOp());
  }

  private broadcastState(): void {
    const event: StateEvent = {
      state: this.state,
      step: this.released.step,
      stepsPerSecond: this.stepsPerSecond,
      hyper: this.hypers.latest.hyper,
      hyperSince: this.hypers.latest.since,
      divergedAt: this.state === "diverged" ? this.released.step + 1 : null,
      reason: this.reason,
    };
    this.deps.room.broadcast("session:state", event);
  }

  private phaseEvent(walk: PhaseWalk): PhaseEvent {
    return { step: walk.info.step, phase: PHASES[walk.index], params: walk.trace.before, cursor: walk.info.cursor, batch: walk.info.batch };
  }

  private trainerPosition() {
    const t = this.source.trainer;
    return { step: t.step, epoch: t.epoch, cursor: t.cursor, params: Array.from(t.theta) };
  }

  private serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }
}

/** What the room is told when a step would diverge. */
function divergenceReason(step: number): string {
  return `step ${step} would make the loss or a parameter non-finite (NaN or ±∞), so it was not applied; the parameters stay at step ${step - 1}. Lower the learning rate or reset.`;
}
