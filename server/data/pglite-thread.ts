import { Worker } from "node:worker_threads";
import { messages, type QueryOptions, type Results } from "@electric-sql/pglite";
import { createPgliteTemplate, ensurePgliteDatabase, type CreatedDatabase } from "./pglite-initdb";

/** A PostgreSQL error as the worker sends it (pglite-worker.mjs `describe`). */
interface WireError {
  message: string;
  name: string;
  /** It came from PostgreSQL (it has a severity): rebuilt as PGlite's DatabaseError, which the Prisma adapter maps. */
  database: boolean;
  props: Record<string, string | number | boolean | null>;
}

type Request =
  | { op: "query"; sql: string; params: unknown[]; rowMode?: "array" | "object"; rawOids: number[]; txId?: number }
  | { op: "exec"; script: string; txId?: number }
  | { op: "begin" }
  | { op: "rollback"; txId: number }
  | { op: "finish"; txId: number; commit: boolean }
  | { op: "memory" }
  | { op: "close" };

/** The worker thread's memory (bytes): its V8 heap and buffers, and PGlite's WebAssembly heap. */
export interface WorkerMemory {
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  wasmHeap: number;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError };

/** What queries need of PGlite: the part of its API the Prisma adapter and the migrator use. */
export interface PgliteQueryable {
  query<Row>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<Row>>;
  exec(script: string): Promise<void>;
}

/** A transaction on the worker's PGlite. */
export interface PgliteThreadTransaction extends PgliteQueryable {
  rollback(): Promise<void>;
  readonly closed: boolean;
}

const WORKER_URL = new URL("./pglite-worker.mjs", import.meta.url);

/**
 * PostgreSQL settings of the embedded database, for memory: initdb sizes the buffer pool at 128 MB,
 * and PGlite's WebAssembly heap keeps every page it has touched (it never shrinks), so the pool stayed
 * resident for the life of the process. 16 MB holds the working set (recent steps, the sessions); the
 * operating system's page cache serves the rest of the files. See docs/benchmarks.md, "Memory".
 */
export const PGLITE_MEMORY_SETTINGS = ["-c", "shared_buffers=16MB"];

/**
 * PGlite running in a worker thread (pglite-worker.mjs), with the subset of PGlite's API that the
 * Prisma adapter (`pglite-prisma-adapter`), the migrator and the write queue's script runner use.
 * Its WebAssembly PostgreSQL then runs beside the event loop instead of on it: a step broadcast to a
 * thousand sockets no longer waits behind a transaction. Requests are messages; the caller's result
 * parsers (functions) run here, on the rows the worker returns as text for those types.
 */
export class PgliteThread implements PgliteQueryable {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private failure: Error | null = null;
  closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly created: CreatedDatabase | null,
  ) {
    worker.on("message", (reply: Reply) => this.settle(reply));
    worker.on("error", (error) => this.fail(new Error(`the database worker failed: ${error.message}`)));
    worker.on("exit", (code) => this.fail(new Error(`the database worker stopped (exit code ${code})`)));
    worker.unref(); // referenced only while a request is pending (see call): an idle database never keeps Node alive
  }

  /**
   * Creates the database in `dataDir` if there is none (in a short-lived process, see pglite-initdb.ts),
   * then starts the worker and opens it; rejects if PGlite cannot open it. `created` is what creating
   * it cost, or null when it existed.
   */
  static async start(dataDir: string, startParams: string[] = []): Promise<PgliteThread> {
    const extraStartParams = [...PGLITE_MEMORY_SETTINGS, ...startParams];
    const created = await ensurePgliteDatabase(dataDir, extraStartParams);
    // No inherited `--import tsx` (the benches start the server so): the worker is plain JavaScript, and
    // tsx would add a loader thread and its transform of PGlite's modules to the worker's memory.
    const worker = new Worker(WORKER_URL, { workerData: { dataDir, extraStartParams }, execArgv: [] });
    let onMessage!: (m: { ready: boolean; error?: WireError }) => void;
    let onError!: (error: Error) => void;
    let onExit!: (code: number) => void;
    const ready = await new Promise<{ ready: boolean; error?: WireError }>((resolve, reject) => {
      onMessage = resolve;
      onError = reject;
      onExit = (code) => reject(new Error(`the database worker stopped while opening (exit code ${code})`));
      worker.once("message", onMessage).once("error", onError).once("exit", onExit);
    }).finally(() => worker.off("message", onMessage).off("error", onError).off("exit", onExit));
    if (!ready.ready) {
      await worker.terminate();
      throw toError(ready.error!);
    }
    return new PgliteThread(worker, created);
  }

  /** Creates the empty database that first starts with these `startParams` copy (pglite-initdb.ts); null if there is one. */
  static createTemplate(startParams: string[] = []): Promise<CreatedDatabase | null> {
    return createPgliteTemplate([...PGLITE_MEMORY_SETTINGS, ...startParams]);
  }

  query<Row>(sql: string, params: unknown[] = [], options: QueryOptions = {}, txId?: number): Promise<Results<Row>> {
    const parsers = options.parsers ?? {};
    const rawOids = Object.keys(parsers).map(Number);
    const request = this.call({ op: "query", sql, params, rowMode: options.rowMode, rawOids, txId }) as Promise<Results<Row>>;
    if (rawOids.length === 0) return request;
    return request.then((result) => parseRows(result, parsers));
  }

  async exec(script: string, txId?: number): Promise<void> {
    await this.call({ op: "exec", script, txId });
  }

  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws or calls rollback(). */
  async transaction<T>(fn: (tx: PgliteThreadTransaction) => Promise<T>): Promise<T> {
    const txId = (await this.call({ op: "begin" })) as number;
    let closed = false;
    const tx: PgliteThreadTransaction = {
      query: (sql, params, options) => this.query(sql, params, options, txId),
      exec: (script) => this.exec(script, txId),
      rollback: () => {
        closed = true;
        const done = this.call({ op: "rollback", txId }).then(() => undefined);
        done.catch(() => undefined); // the Prisma adapter does not await it; `finish` reports the outcome
        return done;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      await this.call({ op: "finish", txId, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.call({ op: "finish", txId, commit: true });
    return result;
  }

  /** The worker thread's memory, for `npm run bench:memory` (the process's RSS covers every thread). */
  memory(): Promise<WorkerMemory> {
    return this.call({ op: "memory" }) as Promise<WorkerMemory>;
  }

  /** Closes the database (PGlite checkpoints and shuts down), then stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      if (!this.failure) await this.call({ op: "close" });
    } finally {
      this.closed = true;
      await this.worker.terminate();
    }
  }

  private call(request: Request): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new Error("the database is closed"));
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  private settle(reply: Reply): void {
    const waiter = this.pending.get(reply.id);
    if (!waiter) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) waiter.resolve(reply.result);
    else waiter.reject(toError(reply.error));
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** Applies the caller's parsers to the columns the worker left as text. */
function parseRows<Row>(result: Results<Row>, parsers: NonNullable<QueryOptions["parsers"]>): Results<Row> {
  const columns = result.fields.flatMap((f, i) => (parsers[f.dataTypeID] ? [{ i, name: f.name, parse: parsers[f.dataTypeID] }] : []));
  if (columns.length === 0) return result;
  for (const row of result.rows as unknown as (unknown[] | Record<string, unknown>)[]) {
    for (const c of columns) {
      const key = Array.isArray(row) ? c.i : c.name;
      const value = (row as Record<string | number, unknown>)[key];
      if (typeof value === "string") (row as Record<string | number, unknown>)[key] = (c.parse as (text: string, typeId: number) => unknown)(value, result.fields[c.i].dataTypeID);
    }
  }
  return result;
}

/** The worker's error as an Error again; PostgreSQL errors as PGlite's DatabaseError with every field. */
function toError(wire: WireError): Error {
  const error = wire.database ? new messages.DatabaseError(wire.message, 0, "error") : new Error(wire.message);
  return Object.assign(error, wire.props, { message: wire.message }, wire.database ? {} : { name: wire.name });
}
