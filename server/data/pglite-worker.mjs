// @ts-check
// The embedded PostgreSQL in a worker thread, so its WebAssembly engine runs beside the event loop
// rather than on it. Plain JavaScript: a worker gets no TypeScript loader under `npm start` (tsx is
// registered in-process there) nor under Vitest. The protocol is typed in pglite-thread.ts, which is
// the only module that talks to this one.
import { readlinkSync } from "node:fs";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";

if (!parentPort) throw new Error("pglite-worker.mjs runs only as a worker thread");
const port = parentPort;

/** Nice value of this thread: below the event loop's, whose broadcasts should not wait behind a commit. */
const DATABASE_THREAD_NICE = 10;
// Steps are stored up to 150 ms ahead of their release (server/sessions/step-pipeline.ts), so a commit
// that waits a few milliseconds for the CPU delays nothing anyone sees, while a broadcast that waits is
// latency. Linux only: setpriority on a thread id (from /proc/thread-self) sets that thread's nice.
try {
  setPriority(Number(readlinkSync("/proc/thread-self").split("/").pop()), DATABASE_THREAD_NICE);
} catch {
  // another system, or no /proc: the thread keeps the process's priority
}

/** @type {PGlite} */
let pglite;
try {
  pglite = await PGlite.create({ dataDir: workerData.dataDir, startParams: [...PGlite.defaultStartParams, ...workerData.extraStartParams] });
} catch (error) {
  port.postMessage({ ready: false, error: describe(error) });
  throw error;
}

/** Open transactions by id: the handle to query in it, and how to end PGlite's transaction callback. */
/** @type {Map<number, { tx: import("@electric-sql/pglite").Transaction; finish: (commit: boolean) => void; done: Promise<unknown> }>} */
const transactions = new Map();
let nextTxId = 1;

const identity = (/** @type {string} */ text) => text;

/** @param {any} req */
async function handle(req) {
  const target = req.txId === undefined ? pglite : transactions.get(req.txId)?.tx;
  if (!target) throw new Error(`no open transaction ${req.txId}`);
  switch (req.op) {
    case "query": {
      // The caller's parsers are functions (they cannot cross threads): their types come back as text.
      const parsers = Object.fromEntries(req.rawOids.map((/** @type {number} */ oid) => [oid, identity]));
      const r = await target.query(req.sql, req.params, { rowMode: req.rowMode, parsers });
      return { rows: r.rows, fields: r.fields, affectedRows: r.affectedRows };
    }
    case "exec":
      await target.exec(req.script);
      return null;
    case "begin":
      return begin();
    case "rollback":
      await target.rollback();
      return null;
    case "finish": {
      const open = transactions.get(req.txId);
      if (!open) throw new Error(`no open transaction ${req.txId}`);
      transactions.delete(req.txId);
      open.finish(req.commit);
      await open.done; // rejects when COMMIT failed (or the transaction was rolled back by design)
      return null;
    }
    case "memory": {
      // This thread's V8 heap and buffers (rss is the whole process's), and PGlite's WebAssembly heap,
      // which grows but never shrinks: every page it has touched stays resident.
      const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
      return { heapUsed, heapTotal, external, arrayBuffers, wasmHeap: /** @type {any} */ (pglite).Module.HEAPU8.length };
    }
    case "close":
      if (!pglite.closed) await pglite.close();
      return null;
    default:
      throw new Error(`unknown database worker request ${req.op}`);
  }
}

/** Opens a PGlite transaction held open until a `finish` request; resolves with its id. */
function begin() {
  return new Promise((resolve, reject) => {
    const txId = nextTxId++;
    let opened = false;
    const done = pglite
      .transaction(
        (tx) =>
          new Promise((commit, abort) => {
            opened = true;
            transactions.set(txId, { tx, finish: (ok) => (ok ? commit(undefined) : abort(new RollbackRequested())), done });
            resolve(txId);
          }),
      )
      .catch((error) => {
        transactions.delete(txId);
        if (error instanceof RollbackRequested) return;
        if (!opened) return reject(error); // BEGIN itself failed: nobody will await `done`
        throw error; // COMMIT failed: the `finish` request reports it
      });
  });
}

class RollbackRequested extends Error {}

/** An error as plain data: message, class name and PostgreSQL's fields (code, detail, …). */
function describe(/** @type {unknown} */ error) {
  if (!(error instanceof Error)) return { message: String(error), name: "Error", database: false, props: {} };
  /** @type {Record<string, unknown>} */
  const props = {};
  for (const [key, value] of Object.entries(error)) if (value === null || ["string", "number", "boolean"].includes(typeof value)) props[key] = value;
  return { message: error.message, name: error.name, database: "severity" in error, props };
}

/** Per open transaction, the tail of its requests: they run one after another, in the order sent. */
/** @type {Map<number, Promise<unknown>>} */
const chains = new Map();

port.on("message", (/** @type {any} */ req) => {
  // Requests outside transactions run at once (PGlite queues them behind any open transaction itself).
  const previous = req.txId === undefined ? Promise.resolve() : (chains.get(req.txId) ?? Promise.resolve());
  const run = previous.then(() => handle(req));
  if (req.txId !== undefined) {
    if (req.op === "finish") chains.delete(req.txId);
    else chains.set(req.txId, run.catch(() => undefined));
  }
  run.then(
    (result) => port.postMessage({ id: req.id, ok: true, result }),
    (error) => port.postMessage({ id: req.id, ok: false, error: describe(error) }),
  );
});
port.postMessage({ ready: true });
