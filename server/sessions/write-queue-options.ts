import type { Clock } from "./clock";
import type { WriteOp } from "./write-ops";

/**
 * Why a flush failed: `outage` when the database as a whole cannot write (connection lost, disk full),
 * so every op waits and is retried; `refused` when the database answered and turned the batch down
 * (a constraint, a value it cannot store), which may be one op's fault.
 */
export type FailureKind = "outage" | "refused";

/** Tuning of the write queue. */
export interface WriteQueueOptions {
  /** Most ops in one transaction. */
  maxBatch: number;
  /** First retry delay after a failed flush; doubles up to `maxRetryMs`. */
  retryMs: number;
  maxRetryMs: number;
  /**
   * Wait this long before each flush so that ops pushed meanwhile share its transaction. It matters on
   * PGlite, which runs inside this thread: without it, the next flush starts before any timer could
   * push, and every transaction carries one op.
   */
  lingerMs: number;
  /** After flushes have failed for an outage this long, the database counts as unavailable. */
  unavailableAfterMs: number;
  /**
   * Most ops queued before roster ops (participant join/leave, which are droppable by design) are
   * refused. Training ops are never refused: their producers bound them (see step-pipeline.ts).
   */
  maxQueuedOps: number;
  /** Sorts a flush error; without it every failure is an outage (retried forever, nothing dropped). */
  classify?: (err: unknown) => FailureKind;
  /** Resolves if the database answers a trivial query; an op is judged bad only while this succeeds. */
  probe?: () => Promise<void>;
  /** Called with the error each time a flush fails for an outage (the ops stay queued and are retried). */
  onError?: (err: unknown) => void;
  /** Called when the database becomes unavailable (false) and when a flush succeeds again (true). */
  onAvailability?: (available: boolean) => void;
  /** Called once per session whose op the database refused on its own; its later ops are refused too. */
  onRefused?: (sessionId: string | null, op: WriteOp, err: unknown) => void;
  /** Time for linger, retry delays and outage detection (default: the system clock). */
  clock?: Clock;
}

/** The tuning used where a caller sets nothing. */
export const WRITE_QUEUE_DEFAULTS: Omit<WriteQueueOptions, "clock"> = { maxBatch: 5000, retryMs: 50, maxRetryMs: 2000, lingerMs: 4, unavailableAfterMs: 2000, maxQueuedOps: 200_000 };
