import type { EngineConfig, Trainer } from "@/lib/engine";
import type { Control, ControlActor, Role, RosterEntry, SessionSnapshot, SessionState } from "@/lib/protocol";
import type { RoomPort } from "../realtime/room";
import { Availability } from "./availability";
import { systemClock, type Clock } from "./clock";
import { ControlChain } from "./control-chain";
import { applyControl, revealOneStep, type ControlHooks, type RevealedStep } from "./controls";
import { Journal } from "./journal";
import { snapshotOf } from "./released-view";
import { INSTRUCTOR_AWAY_MS, Roster } from "./roster";
import { RunState, type RunInit } from "./run-state";
import { SessionTeaching, type StoredTeaching } from "./session-teaching";
import type { WriteQueue } from "./write-queue";

export { DATABASE_AWAY_REASON, DATABASE_BACK_REASON } from "./availability";
export type { RevealedStep } from "./controls";

/** A session as loaded from storage (or just created), at its last durable step. */
export interface LiveSessionInit extends RunInit {
  id: string;
  joinCode: string;
  title: string;
  keyHash: string;
  controlSeq: number;
  teaching?: Partial<StoredTeaching>;
}

/** Collaborators of a live session. */
export interface LiveSessionDeps {
  queue: WriteQueue;
  room: RoomPort;
  /** Called once the session has ended (its join code can be reused). */
  onEnded?: (session: LiveSession) => void;
  /** A playing session whose instructors have all left pauses after this long (default 10 minutes). */
  instructorAwayMs?: number;
  /** Time for the play loop, the away timer and request checks (default: the system clock). */
  clock?: Clock;
}

/**
 * One training session in memory, as the rest of the server sees it: controls go in through the
 * control chain (one at a time), the run changes (run-state.ts and the controls), and every client
 * sees the released view (released-view.ts). Steps are released only once durable (StepPipeline).
 */
export class LiveSession {
  readonly id: string;
  readonly joinCode: string;
  readonly title: string;
  readonly keyHash: string;
  /** Who is in the session (R19's away timer lives there); every join and leave is recorded. */
  readonly participants: Roster;
  /** Preset note, fork origin, template, and the teaching layer's hooks (snapshot view, control guard). */
  readonly teaching: SessionTeaching;
  private readonly run: RunState;
  /** Whether it can store anything; the write queue reports outages and refused writes here. */
  readonly availability: Availability;
  private readonly hooks: ControlHooks;
  private readonly journal: Journal;

  constructor(init: LiveSessionInit, deps: LiveSessionDeps) {
    this.id = init.id;
    this.joinCode = init.joinCode;
    this.title = init.title;
    this.keyHash = init.keyHash;
    const clock = deps.clock ?? systemClock;
    const journal = (this.journal = new Journal(this.id, deps.queue, clock, init.controlSeq));
    const chain = new ControlChain(clock, () => deps.queue.stalledFor());
    this.run = new RunState(this.id, { journal, room: deps.room, chain, clock, snapshot: (role) => this.snapshot(role) }, init);
    this.availability = new Availability(this.run, () => deps.queue.available);
    this.participants = new Roster(deps.instructorAwayMs ?? INSTRUCTOR_AWAY_MS, () => this.pauseWithoutInstructor(), clock, journal);
    this.teaching = new SessionTeaching(init.teaching);
    this.hooks = { onPreset: (preset) => this.teaching.presetChanged(preset), onEnded: () => deps.onEnded?.(this) };
  }

  get config(): EngineConfig { return this.run.config; }
  get state(): SessionState { return this.run.state; }
  get stepsPerSecond(): number { return this.run.stepsPerSecond; }
  /** The step every client has been sent. */
  get step(): number { return this.run.view.position.step; }
  /** The engine (ahead of `step` while playing or mid-walk). */
  get trainer(): Trainer { return this.run.trainer; }
  /** Steps computed but not released yet. */
  get backlog(): number { return this.run.pipeline.backlog; }
  /** True while a step is being walked through phase by phase. */
  get walking(): boolean { return this.run.walk.active; }
  get busyFastForwarding(): boolean { return this.run.fastForwarding; }

  /** What a client needs to draw the session now (the teaching layer's part through `teaching.view`). */
  snapshot(role: Role): SessionSnapshot {
    return snapshotOf({ id: this.id, joinCode: this.joinCode, title: this.title, run: this.run, participants: this.participants.people, roster: () => this.roster(), teaching: this.teaching.info() }, role);
  }

  /** Everyone in the session, for the instructor. */
  roster(): RosterEntry[] {
    return this.participants.list();
  }

  /** Called when participants change: with no instructor left, a playing session pauses after INSTRUCTOR_AWAY_MS (R19). */
  participantsChanged(): void {
    this.participants.watch(this.state !== "finished");
  }

  /** Applies a control sent by `actor` (logged with it, H5; null: the server itself); resolves with the step and state once it is durable. */
  control(c: Control, actor: ControlActor | null = null): Promise<{ step: number; state: SessionState }> {
    const stops = c.action === "pause" || c.action === "end" || c.action === "reset";
    if (stops && this.run.fastForwarding && !this.availability.unwritable()) this.run.cancelFastForward = true;
    return this.availability.request(async () => {
      this.teaching.guard?.(c);
      await this.journal.as(actor, () => applyControl(this.run, c, this.hooks));
      return { step: this.step, state: this.state };
    });
  }

  /** Runs `fn` in the control chain: no control applies while it runs (a poll opening, Q2). */
  runExclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.availability.exclusive(fn);
  }

  /** Runs `check`, then exactly one step through the durable path, in the control chain (a poll's reveal, Q7; logged as `actor`'s, H5); bypasses `teaching.guard`. */
  revealStep(check: () => void, actor: ControlActor | null = null): Promise<RevealedStep> {
    return this.availability.request(() => this.journal.as(actor, () => revealOneStep(this.run, check)));
  }

  /** Server shutdown: stop playing, release what is durable, checkpoint, mark paused. */
  shutdown(): Promise<void> {
    this.participants.stop();
    return this.availability.close();
  }

  private pauseWithoutInstructor(): void {
    if (this.state !== "playing") return;
    this.control({ action: "pause" })
      .then(() => {
        this.run.reason = "paused automatically: no instructor has been connected for a while";
        this.run.broadcastState();
      })
      .catch(() => undefined);
  }
}
