import type { EngineConfig, Trainer } from "@/lib/engine";
import { encodeStepFrame, type Role, type SessionSnapshot, type SessionState, type StepInfo } from "@/lib/protocol";
import type { RoomPort } from "../realtime/room";
import type { Clock } from "./clock";
import type { ControlChain } from "./control-chain";
import type { Journal, LoggedControl } from "./journal";
import { PhaseWalk } from "./phase-walk";
import { PlayLoop } from "./play-loop";
import { ReleasedView, stateEventOf, type ReleasedInit } from "./released-view";
import { StepPipeline } from "./step-pipeline";
import { StepSource } from "./step-source";

/** A session's run as loaded from storage (or just created), at its last durable step. */
export interface RunInit extends ReleasedInit {
  config: EngineConfig;
  state: SessionState;
  trainer: Trainer;
  /** Why it is paused, if it says so (a session that was playing when the server stopped). */
  reason?: string;
}

/** What a run works with. */
export interface RunDeps {
  /** Everything it stores goes through here. */
  journal: Journal;
  room: RoomPort;
  /** Where the session's controls wait their turn. */
  chain: ControlChain;
  clock: Clock;
  /** The whole session's snapshot, for a new run's broadcast. */
  snapshot: (role: Role) => SessionSnapshot;
}

/**
 * The state machine of one session's current run (paused → playing → paused, diverged, finished) and
 * the moves every control is made of: release a durable step, halt the loop, pause, diverge. The
 * controls themselves are in controls.ts, new-run.ts and fast-forward.ts; they run one at a time in
 * the control chain, so none of this needs a lock.
 */
export class RunState {
  config: EngineConfig;
  state: SessionState;
  stepsPerSecond = 10;
  reason: string | null = null;
  /** The engine, with the hyperparameter changes logged for later steps. */
  source: StepSource;
  /** Computes ahead and releases only what is stored (R2). */
  pipeline: StepPipeline;
  readonly view: ReleasedView;
  readonly walk: PhaseWalk;
  readonly loop: PlayLoop;
  fastForwarding = false;
  /** Set to stop a running fast-forward at its next slice (pause, end, reset, shutdown). */
  cancelFastForward = false;

  readonly journal: Journal;
  readonly room: RoomPort;
  readonly chain: ControlChain;
  readonly snapshot: (role: Role) => SessionSnapshot;
  private readonly clock: Clock;

  constructor(
    readonly id: string,
    deps: RunDeps,
    init: RunInit,
  ) {
    this.journal = deps.journal;
    this.room = deps.room;
    this.chain = deps.chain;
    this.snapshot = deps.snapshot;
    this.clock = deps.clock;
    this.config = init.config;
    this.state = init.state;
    this.reason = init.reason ?? null;
    this.source = new StepSource(init.trainer);
    for (const p of init.pending) this.source.schedule(p);
    this.pipeline = new StepPipeline(this.source, this.journal);
    this.view = new ReleasedView(init.trainer, init);
    this.walk = new PhaseWalk(this);
    this.loop = new PlayLoop(this, this.clock);
  }

  /** The engine (ahead of the released step while playing or mid-walk). */
  get trainer(): Trainer {
    return this.source.trainer;
  }

  /** Logs a control at the released step (or at `step`). */
  log(payload: LoggedControl, step = this.view.position.step): Promise<void> {
    return this.journal.control(payload, step);
  }

  /** Makes `source` the engine of a new run of `config` (its step 0 is already stored). */
  replaceEngine(config: EngineConfig, source: StepSource, pipeline: StepPipeline): void {
    this.config = config;
    this.source = source;
    this.pipeline = pipeline;
    this.state = "paused";
    this.reason = null;
    this.view.restart(source.trainer);
  }

  /** Sends a stored step to everyone. */
  release(info: StepInfo): void {
    info.sentAt = this.clock.now();
    this.view.release(info, this.trainer.data.train.n);
    this.room.broadcast("session:step", encodeStepFrame(info));
    this.loop.released(info);
  }

  /** Tells everyone the state, the released step and why. */
  broadcastState(): void {
    this.room.broadcast("session:state", stateEventOf(this));
  }

  /** Stores the state (by default the current one). */
  persistState(state: SessionState = this.state): Promise<void> {
    return this.journal.state(state);
  }

  /** Stores a checkpoint of the engine, unless a walked step is open (the engine is then one step past what is stored). */
  checkpoint(): Promise<void> {
    if (this.walk.active) return Promise.resolve();
    return this.pipeline.checkpoint();
  }

  /** Stops the play loop and releases every computed step (once durable), so clients catch up. */
  async halt(): Promise<void> {
    this.loop.halt();
    const wasPlaying = this.state === "playing";
    if (wasPlaying) this.state = "paused";
    for (const info of await this.pipeline.settle()) this.release(info);
    if (this.pipeline.blocked && wasPlaying) await this.enterDiverged();
  }

  /** The `pause` control (also sent by the session itself, S1): halts, logs, checkpoints. */
  async pause(): Promise<void> {
    if (this.fastForwarding) return;
    await this.halt();
    if (this.state === "playing") this.state = "paused";
    await this.log({ action: "pause" });
    await Promise.all([this.checkpoint(), this.persistState()]);
    this.broadcastState();
  }

  /** The next step would be non-finite: stop there, say why, keep the last finite parameters (R9). */
  async enterDiverged(): Promise<void> {
    this.loop.halt();
    this.state = "diverged";
    this.reason = divergenceReason(this.trainer.step + 1);
    await Promise.all([this.checkpoint(), this.persistState()]);
    this.broadcastState();
  }
}

/** What the room is told when a step would diverge. */
export function divergenceReason(step: number): string {
  return `step ${step} would make the loss or a parameter non-finite (NaN or ±∞), so it was not applied; the parameters stay at step ${step - 1}. Lower the learning rate or reset.`;
}
