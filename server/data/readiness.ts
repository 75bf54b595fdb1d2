import type { PrismaClient } from "../generated/prisma/client";
import { MIGRATIONS_DIR, readMigrations } from "./migrate";

/**
 * The migrations of `expected` that the database has not applied (finished and not rolled back);
 * empty when it is up to date. Throws if the database does not answer.
 */
export async function missingMigrations(prisma: PrismaClient, expected: readonly string[]): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ migration_name: string }[]>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  const applied = new Set(rows.map((r) => r.migration_name));
  return expected.filter((name) => !applied.has(name));
}

let shipped: Promise<string[]> | undefined;

/** Throws unless the database answers and has every migration this code ships (prisma/migrations). */
export async function assertDatabaseReady(prisma: PrismaClient): Promise<void> {
  shipped ??= readMigrations(MIGRATIONS_DIR).then((ms) => ms.map((m) => m.name));
  const missing = await missingMigrations(prisma, await shipped);
  if (missing.length > 0) throw new Error(`${missing.length} migration(s) not applied, first ${missing[0]}`);
}
