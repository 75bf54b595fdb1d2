import type { PrismaPg } from "@prisma/adapter-pg";

type Transaction = Record<string, unknown> & { client?: { release(err?: Error | boolean): void; _queryable?: boolean; _ending?: boolean } };
type AsyncFn = (...args: unknown[]) => Promise<unknown>;

/**
 * `@prisma/adapter-pg` 6.19 leaks the pool client of a transaction whose connection dies (the
 * database restarts, the network drops): neither commit nor rollback releases it, so every outage
 * costs one of the pool's 10 clients until writes hang for good, and `pool.end()` never returns
 * (found by tests/server/hardening/database-lost.integration.test.ts). This releases such a client
 * with its error, which makes the pool discard it, and turns the later commit/rollback into no-ops.
 */
export function releaseBrokenClients(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (...args: Parameters<typeof start>) => guard(await start(...args));
    return adapter;
  };
  return factory;
}

function guard<T>(txn: T): T {
  const tx = txn as unknown as Transaction;
  const client = tx.client;
  if (!client || typeof client.release !== "function") return txn;
  let released = false;
  for (const name of ["queryRaw", "executeRaw"]) {
    const run = (tx[name] as AsyncFn).bind(tx);
    tx[name] = async (...args: unknown[]) => {
      try {
        return await run(...args);
      } catch (err) {
        if (!released && (client._queryable === false || client._ending)) {
          released = true;
          client.release(err instanceof Error ? err : new Error(String(err)));
        }
        throw err;
      }
    };
  }
  for (const name of ["commit", "rollback"]) {
    const end = (tx[name] as AsyncFn).bind(tx);
    tx[name] = async () => {
      if (released) return;
      released = true;
      return end();
    };
  }
  return txn;
}
