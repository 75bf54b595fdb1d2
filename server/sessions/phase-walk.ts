import type { StepTrace } from "@/lib/engine";
import { AppError, ErrorCode } from "@/lib/errors";
import { PHASES, type PhaseEvent, type StepInfo } from "@/lib/protocol";
import type { RunState } from "./run-state";
import { toStepRow } from "./step-source";

interface Walked {
  trace: StepTrace;
  info: StepInfo;
  /** Index in PHASES of the phase shown. */
  index: number;
}

/**
 * One step walked through phase by phase (`phase` control, R4/R5): forward, loss and backward are
 * broadcast as they are reached; at update the step is stored, then released like any other. While a
 * walk is open the engine is one step past what is stored and released.
 */
export class PhaseWalk {
  private walked: Walked | null = null;

  constructor(private readonly run: RunState) {}

  /** True while a step is being walked through. */
  get active(): boolean {
    return this.walked !== null;
  }

  /** The phase shown now, for snapshots (R5); null when no step is being walked. */
  event(): PhaseEvent | null {
    return this.walked ? eventOf(this.walked) : null;
  }

  /** The `phase` control: starts a walk at forward, or moves it one phase on (update commits the step). */
  async next(): Promise<void> {
    const run = this.run;
    if (run.state === "playing") throw new AppError(ErrorCode.CONFLICT, "the session is playing; pause it before walking through a step");
    await run.log({ action: "phase" });
    if (!this.walked) {
      run.source.applyDue();
      const t = run.trainer;
      const cursor = t.cursor;
      const epoch = t.epoch;
      const trace = t.stepTraced();
      if (trace.diverged) return run.enterDiverged();
      this.walked = { trace, info: run.source.describe(cursor, trace.batchSize, t.epoch !== epoch), index: 0 };
    } else {
      this.walked.index++;
    }
    const walked = this.walked;
    if (PHASES[walked.index] === "update") await this.commit();
    else run.room.broadcast("session:phase", eventOf(walked));
  }

  /** Makes the walked step durable and releases it (announcing the update phase first); nothing if none is open. */
  async commit(): Promise<void> {
    const walked = this.walked;
    if (!walked) return;
    await this.run.journal.steps([toStepRow(walked.info)]);
    this.walked = null;
    walked.index = PHASES.indexOf("update");
    this.run.room.broadcast("session:phase", eventOf(walked));
    this.run.release(walked.info);
  }

  /** Forgets an open walk (a new run replaces the engine it was walking). */
  drop(): void {
    this.walked = null;
  }
}

function eventOf(w: Walked): PhaseEvent {
  return { step: w.info.step, phase: PHASES[w.index], params: w.trace.before, cursor: w.info.cursor, batch: w.info.batch };
}
