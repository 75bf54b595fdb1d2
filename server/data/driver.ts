import type { Env } from "../env";
import { openPgliteDriver } from "./pglite-driver";
import { openPostgresDriver } from "./postgres-driver";
import type { DatabaseDriver } from "./driver-types";

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite under DATA_DIR. */
export function openDriver(env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): Promise<DatabaseDriver> {
  return env.DATABASE_URL ? openPostgresDriver(env.DATABASE_URL) : openPgliteDriver(env.DATA_DIR);
}

export type { AdapterFactory, DatabaseDriver, DatabaseKind } from "./driver-types";
