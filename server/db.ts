import type { Env } from "./env";
import { PrismaClient } from "./generated/prisma/client";
import { openDriver, type DatabaseKind } from "./data/driver";
import type { ScriptRunner } from "./data/write-ops";
import { applyMigrations, MIGRATIONS_DIR, readMigrations, type MigrationReport } from "./data/migrate";

/** The app's database handle. Only `server/data/` should touch `prisma`. */
export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** The driver's one-round-trip script runner, if it has one (the write queue's fast path). */
  runScript?: ScriptRunner;
  /** What start-up migration did. */
  migrations: MigrationReport;
  close(): Promise<void>;
}

/** Options for tests and tools. */
export interface OpenDatabaseOptions {
  migrationsDir?: string;
}

/** Opens PostgreSQL (DATABASE_URL) or the embedded PGlite (DATA_DIR) and applies pending migrations. */
export async function openDatabase(
  env: Pick<Env, "DATABASE_URL" | "DATA_DIR">,
  options: OpenDatabaseOptions = {},
): Promise<Database> {
  const driver = await openDriver(env);
  try {
    const migrations = await migrate(driver, options.migrationsDir ?? MIGRATIONS_DIR);
    const prisma = new PrismaClient({ adapter: driver.adapter });
    await prisma.$connect();
    return {
      prisma,
      kind: driver.kind,
      runScript: driver.runScript,
      migrations,
      async close() {
        try {
          await prisma.$disconnect();
        } finally {
          await driver.close();
        }
      },
    };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

async function migrate(driver: Awaited<ReturnType<typeof openDriver>>, dir: string): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  const conn = await driver.connectForMigrations();
  try {
    return await applyMigrations(conn, migrations);
  } finally {
    await conn.release();
  }
}
