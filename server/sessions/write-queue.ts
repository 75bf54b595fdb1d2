import type { FlushFn, FlushRejection, WriteOp } from "./write-ops";

interface Pending {
  op: WriteOp;
  resolve: () => void;
  reject: (err: Error) => void;
}

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
  /** Called with the error each time a flush fails (the ops stay queued and are retried). */
  onError?: (err: unknown) => void;
}

const DEFAULTS: WriteQueueOptions = { maxBatch: 5000, retryMs: 50, maxRetryMs: 2000, lingerMs: 4 };

/**
 * Batches durable writes off the step loop: `push` returns at once with a promise that resolves when
 * the op is committed. One flush runs at a time; everything pushed meanwhile goes into the next
 * transaction, so the batch size adapts to the database's speed. A failed flush is retried with
 * backoff, in order, without losing ops. Memory is bounded by the producers, which wait for their
 * steps to be durable before computing more (see step-pipeline.ts).
 */
export class WriteQueue {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly options: WriteQueueOptions;
  private closed = false;
  /** Ops committed since start. */
  committed = 0;
  /** Transactions committed since start. */
  transactions = 0;

  constructor(
    private readonly flushFn: FlushFn,
    options: Partial<WriteQueueOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Ops waiting to be written. */
  get size(): number {
    return this.queue.length;
  }

  /** Queues an op; resolves once it is committed. */
  push(op: WriteOp): Promise<void> {
    if (this.closed) return Promise.reject(new Error("write queue is closed"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ op, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when everything queued so far is committed. */
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
      if (this.options.lingerMs > 0) await new Promise((r) => setTimeout(r, this.options.lingerMs));
      const batch = this.queue.slice(0, this.options.maxBatch);
      let refused: void | FlushRejection;
      try {
        refused = await this.flushFn(batch.map((p) => p.op));
      } catch (err) {
        this.options.onError?.(err);
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, this.options.maxRetryMs);
        continue;
      }
      this.queue.splice(0, batch.length);
      this.committed += batch.length;
      this.transactions++;
      delay = this.options.retryMs;
      for (const p of batch) {
        if (refused?.rejected.has(p.op)) p.reject(refused.error);
        else p.resolve();
      }
    }
  }
}
