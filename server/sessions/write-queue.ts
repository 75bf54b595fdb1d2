import { AppError, ErrorCode } from "@/lib/errors";
import { systemClock, type Clock } from "./clock";
import { WRITE_QUEUE_DEFAULTS, type WriteQueueOptions } from "./write-queue-options";
import { isRosterOp, sessionOf, type FlushFn, type FlushRejection, type WriteOp } from "./write-ops";

export type { FailureKind, WriteQueueOptions } from "./write-queue-options";

interface Pending {
  op: WriteOp;
  resolve: () => void;
  reject: (err: Error) => void;
}

/** The error an op's promise rejects with when the database refused it (or an earlier op of its session). */
export class WriteRefusedError extends AppError {
  constructor(
    message: string,
    override readonly cause: unknown,
  ) {
    super(ErrorCode.UNAVAILABLE, message);
  }
}

/**
 * Batches durable writes off the step loop: `push` returns at once with a promise that resolves when
 * the op is committed. One flush runs at a time; everything pushed meanwhile goes into the next
 * transaction, so the batch size adapts to the database's speed.
 *
 * Failures: an outage (see FailureKind) keeps every op, in order, and retries with backoff; after
 * `unavailableAfterMs` the queue reports the database unavailable, and available again on the first
 * successful flush. A refused batch is retried one op at a time: the good ops commit, a bad op (and
 * every later op of its session, so a session never has a gap) is rejected and reported, and the
 * other sessions go on. Memory is bounded by the producers, which wait for their steps to be durable
 * before computing more (see step-pipeline.ts).
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly options: WriteQueueOptions;
  private closed = false;
  private failingSince: number | null = null;
  private readonly clock: Clock;
  /** When the queue last committed something, or last got work while idle. */
  private progressAt: number;
  /** Sessions with an op the database refused: their later ops are refused without a try. */
  private readonly refusedSessions = new Set<string>();
  /** Ops committed since start. */
  committed = 0;
  /** Transactions committed since start. */
  transactions = 0;
  /** Ops the database refused (poison ops and the later ops of their sessions). */
  refused = 0;
  /** False while the database is unavailable (an outage has lasted `unavailableAfterMs`). */
  available = true;

  constructor(
    private readonly flushFn: FlushFn,
    options: Partial<WriteQueueOptions> = {},
  ) {
    this.options = { ...WRITE_QUEUE_DEFAULTS, ...options };
    this.clock = options.clock ?? systemClock;
    this.progressAt = this.clock.now();
  }

  /** Ops waiting to be written. */
  get size(): number {
    return this.queue.length;
  }

  /** How long the queue has held work without committing any (0 while idle): a stalled database shows here first. */
  stalledFor(): number {
    return this.queue.length === 0 && !this.flushing ? 0 : this.clock.now() - this.progressAt;
  }

  /** Queues an op; resolves once it is committed, rejects (WriteRefusedError) if the database refused it. */
  push(op: WriteOp): Promise<void> {
    if (this.closed) return Promise.reject(new Error("write queue is closed"));
    const session = sessionOf(op);
    if (session !== null && this.refusedSessions.has(session)) {
      this.refused++;
      return Promise.reject(new WriteRefusedError("the database refused an earlier write of this session", null));
    }
    if (isRosterOp(op) && this.queue.length >= this.options.maxQueuedOps) {
      return Promise.reject(new AppError(ErrorCode.UNAVAILABLE, `write queue full (${this.options.maxQueuedOps} ops): roster change dropped`));
    }
    if (this.queue.length === 0 && !this.flushing) this.progressAt = this.clock.now();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far is committed (or refused). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else this.kick();
    }
  }

  /** Drains, then refuses new ops. */
  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private kick(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      this.kick();
    });
  }

  private async flushLoop(): Promise<void> {
    let delay = this.options.retryMs;
    while (this.queue.length > 0) {
      if (this.options.lingerMs > 0) await this.sleep(this.options.lingerMs);
      const batch = this.queue.slice(0, this.options.maxBatch);
      let outage: unknown = null;
      try {
        const rejection = await this.flushFn(batch.map((p) => p.op));
        this.queue.splice(0, batch.length);
        this.commit(batch, rejection);
      } catch (err) {
        outage = (await this.isRefusal(err)) ? await this.isolate(batch.length) : err;
      }
      if (outage === null) {
        delay = this.options.retryMs;
        this.setFailing(false);
        continue;
      }
      this.options.onError?.(outage);
      this.setFailing(true);
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.options.maxRetryMs);
    }
  }

  /**
   * Settles the first `count` queued ops after their batch was refused, by bisection: halves that
   * commit are done, a single op that is refused is rejected (with every later op of its session).
   * Costs about log2(count) extra transactions per bad op. Returns null when all were settled, or the
   * outage error that stopped it (the rest stay queued, in order).
   */
  private async isolate(count: number): Promise<unknown> {
    let left = count;
    let size = Math.ceil(count / 2);
    while (left > 0) {
      left -= this.dropRefused(left);
      if (left === 0) break;
      const n = Math.min(size, left);
      const chunk = this.queue.slice(0, n);
      let rejection: void | FlushRejection;
      try {
        rejection = await this.flushFn(chunk.map((p) => p.op));
      } catch (err) {
        if (!(await this.isRefusal(err))) return err;
        if (n > 1) {
          size = Math.ceil(n / 2);
          continue;
        }
        const [p] = this.queue.splice(0, 1);
        left--;
        this.refused++;
        const session = sessionOf(p.op);
        if (session !== null) this.refusedSessions.add(session);
        p.reject(new WriteRefusedError("the database refused this write", err));
        this.options.onRefused?.(session, p.op, err);
        continue;
      }
      this.queue.splice(0, n);
      left -= n;
      this.commit(chunk, rejection);
    }
    return null;
  }

  /** Rejects, among the first `count` queued ops, those of sessions already refused; returns how many. */
  private dropRefused(count: number): number {
    if (this.refusedSessions.size === 0) return 0;
    let dropped = 0;
    for (let i = 0; i < count - dropped; ) {
      const p = this.queue[i];
      const session = sessionOf(p.op);
      if (session === null || !this.refusedSessions.has(session)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      dropped++;
      this.refused++;
      p.reject(new WriteRefusedError("the database refused an earlier write of this session", null));
    }
    return dropped;
  }

  /** True if the database turned the ops down while it is otherwise working. */
  private async isRefusal(err: unknown): Promise<boolean> {
    if ((this.options.classify?.(err) ?? "outage") === "outage") return false;
    if (!this.options.probe) return true;
    try {
      await this.options.probe();
      return true;
    } catch {
      return false;
    }
  }

  /** Settles a committed batch; ops the flush refused for good (multi-node fencing) are rejected. */
  private commit(done: Pending[], rejection: void | FlushRejection): void {
    this.transactions++;
    this.progressAt = this.clock.now();
    for (const p of done) {
      if (rejection?.rejected.has(p.op)) {
        this.refused++;
        p.reject(rejection.error);
      } else {
        this.committed++;
        p.resolve();
      }
    }
  }

  private setFailing(failing: boolean): void {
    if (!failing) {
      this.failingSince = null;
      if (!this.available) {
        this.available = true;
        this.options.onAvailability?.(true);
      }
      return;
    }
    this.failingSince ??= this.clock.now();
    if (this.available && this.clock.now() - this.failingSince >= this.options.unavailableAfterMs) {
      this.available = false;
      this.options.onAvailability?.(false);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => this.clock.setTimeout(r, ms));
  }
}
