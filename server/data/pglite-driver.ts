import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { lockDir } from "./dir-lock";
import { createPgliteAdapter } from "./pglite-adapter";
import type { DatabaseDriver } from "./driver";

/** Opens (creating if needed) the embedded PostgreSQL stored in `<dataDir>/pglite`. */
export async function openPgliteDriver(dataDir: string): Promise<DatabaseDriver> {
  await mkdir(dataDir, { recursive: true });
  const release = await lockDir(dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      dataDir: path.join(path.resolve(dataDir), "pglite"),
      // After an unclean exit (the Prisma CLI never closes its adapter), recovery leaves PostgreSQL's
      // 10 s startup-progress timer re-arming forever, and it keeps Node from exiting.
      startParams: [...PGlite.defaultStartParams, "-c", "log_startup_progress_interval=0"],
    });
  } catch (error) {
    await release();
    throw error;
  }
  return {
    kind: "pglite",
    adapter: createPgliteAdapter(pglite),
    runScript: async (script) => void (await pglite.exec(script)),
    async connectForMigrations() {
      return {
        query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
        exec: async (script: string) => void (await pglite.exec(script)),
        release: async () => undefined,
      };
    },
    async close() {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        await release();
      }
    },
  };
}
