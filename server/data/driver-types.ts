import type { PrismaConfig } from "prisma/config";
import type { MigrationConnection } from "./migrate";
import type { ScriptRunner } from "./write-ops";

/** Which database engine backs the app. */
export type DatabaseKind = "pglite" | "postgres";

/** A Prisma driver adapter factory as the CLI takes it (PrismaClient accepts it too). */
export type AdapterFactory = Awaited<ReturnType<Extract<PrismaConfig, { engine: "js" }>["adapter"]>>;

/** An open database: a Prisma adapter for queries plus a raw connection for migrations. */
export interface DatabaseDriver {
  kind: DatabaseKind;
  /** Passed to `new PrismaClient({ adapter })` and to the Prisma CLI (prisma.config.ts). */
  adapter: AdapterFactory;
  /** A dedicated connection for the migrator; `release` returns or drops it. */
  connectForMigrations(): Promise<MigrationConnection & { release(): Promise<void> }>;
  /** Runs a parameterless SQL script in one round trip, atomically, where that is cheaper than Prisma (PGlite). */
  runScript?: ScriptRunner;
  close(): Promise<void>;
}
