import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's `prisma/migrations` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

/** The advisory lock key Prisma's schema engine takes while migrating, so both exclude each other. */
export const MIGRATION_LOCK_KEY = 72_707_369;

/** One database connection the migrator owns for the whole run. */
export interface MigrationConnection {
  /** Runs one parameterised statement and returns its rows. */
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements. */
  exec(script: string): Promise<void>;
  /** Schema to create and migrate into, when not the default one. */
  schema?: string;
}

/** A migration folder found on disk. */
export interface LocalMigration {
  name: string;
  sql: string;
  checksum: string;
}

/** What a migration run did. */
export interface MigrationReport {
  applied: string[];
  /** Migrations already applied whose file changed since (Prisma would report drift). */
  modified: string[];
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

// Same table Prisma's schema engine creates on PostgreSQL, so `prisma migrate status` agrees.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** Hex SHA-256 of a migration script, as Prisma stores it in `_prisma_migrations.checksum`. */
export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** Reads `<dir>/<name>/migration.sql` for every migration folder, sorted by name like Prisma. */
export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<LocalMigration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, "migration.sql"), "utf8").catch(() => null);
    if (sql !== null) migrations.push({ name, sql, checksum: checksumOf(sql) });
  }
  return migrations;
}

/** Applies every pending migration, each in its own transaction, under Prisma's advisory lock. */
export async function applyMigrations(
  conn: MigrationConnection,
  migrations: LocalMigration[],
): Promise<MigrationReport> {
  await conn.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
  try {
    if (conn.schema) await conn.exec(`CREATE SCHEMA IF NOT EXISTS "${conn.schema.replaceAll('"', '""')}"`);
    await conn.exec(CREATE_MIGRATIONS_TABLE);
    const rows = await conn.query<MigrationRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `migration ${failed.migration_name} failed earlier; fix the database, then run ` +
          `\`npx prisma migrate resolve --rolled-back ${failed.migration_name}\``,
      );
    }
    const done = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
    const report: MigrationReport = { applied: [], modified: [] };
    for (const migration of migrations) {
      const row = done.get(migration.name);
      if (row) {
        if (row.checksum !== migration.checksum) report.modified.push(migration.name);
        continue;
      }
      await applyOne(conn, migration);
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    await conn.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
  }
}

async function applyOne(conn: MigrationConnection, migration: LocalMigration): Promise<void> {
  const startedAt = new Date();
  await conn.exec("BEGIN");
  try {
    await conn.exec(migration.sql);
    await conn.query(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await conn.exec("COMMIT");
  } catch (error) {
    await conn.exec("ROLLBACK");
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`migration ${migration.name} failed: ${reason}`);
  }
}
