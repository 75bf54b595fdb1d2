import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { log } from "../log";
import { lockDir } from "./dir-lock";
import { createPgliteAdapter } from "./pglite-adapter";
import type { CreatedDatabase } from "./pglite-initdb";
import { PgliteThread } from "./pglite-thread";
import type { DatabaseDriver } from "./driver-types";

/**
 * PostgreSQL settings of the server's embedded database beyond pglite-thread.ts's memory settings: after
 * an unclean exit (the Prisma CLI never closes its adapter), recovery leaves PostgreSQL's 10 s
 * startup-progress timer re-arming forever, and it keeps Node from exiting.
 */
const START_PARAMS = ["-c", "log_startup_progress_interval=0"];

/** Creates the empty database a first start copies (`npm install` runs it: scripts/pglite-template.ts); null if it exists. */
export function createPgliteTemplate(): Promise<CreatedDatabase | null> {
  return PgliteThread.createTemplate(START_PARAMS);
}

/**
 * Opens (creating if needed) the embedded PostgreSQL stored in `<dataDir>/pglite`. It runs in a worker
 * thread (pglite-thread.ts), so that its queries do not hold up the event loop's broadcasts.
 */
export async function openPgliteDriver(dataDir: string): Promise<DatabaseDriver> {
  await mkdir(dataDir, { recursive: true });
  const release = await lockDir(dataDir);
  let pglite: PgliteThread;
  try {
    pglite = await PgliteThread.start(path.join(path.resolve(dataDir), "pglite"), START_PARAMS);
  } catch (error) {
    await release();
    throw error;
  }
  if (pglite.created) {
    const { ms, from, maxRssMb, serverRssMb } = pglite.created;
    if (from === "template") log.info({ ms, from }, `created the embedded database in ${(ms / 1000).toFixed(1)} s (a copy of the one npm install made)`);
    else {
      log.info(
        { ms, from, initdbPeakRssMb: maxRssMb, serverRssMb },
        `created the embedded database in ${(ms / 1000).toFixed(1)} s (initdb process peak RSS ${maxRssMb} MB, exited; this process ${serverRssMb} MB meanwhile)`,
      );
    }
  }
  return {
    kind: "pglite",
    // The adapter uses only query, exec and transaction, which PgliteThread provides with PGlite's contract.
    adapter: createPgliteAdapter(pglite as unknown as PGlite),
    runScript: (script) => pglite.exec(script),
    async connectForMigrations() {
      return {
        query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
        exec: (script: string) => pglite.exec(script),
        release: async () => undefined,
      };
    },
    async close() {
      try {
        await pglite.close();
      } finally {
        await release();
      }
    },
  };
}
