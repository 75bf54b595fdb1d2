import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checksumOf, MIGRATIONS_DIR, readMigrations } from "@/server/data/migrate";
import { openDatabase, type Database } from "@/server/db";
import { seedPgliteDataDir } from "./helpers/pglite-template";
import { POSTGRES_ADMIN_URL, postgresReachable } from "./helpers/postgres";

const hasPostgres = await postgresReachable();
if (!hasPostgres) console.warn(`skipping PostgreSQL tests: nothing accepts connections at ${POSTGRES_ADMIN_URL}`);

const newSession = (joinCode: string, state = "paused") => ({
  title: "XOR",
  joinCode,
  instructorKeyHash: "hash",
  config: { dataset: "xor", hidden: [2] },
  state,
});

/** Exercises every model the way the app does; works on either engine. */
async function exerciseModels(db: Database): Promise<void> {
  const { prisma } = db;
  const session = await prisma.session.create({ data: newSession("ABC123") });
  expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
  expect(session.step).toBe(0);

  const params = new Float64Array([0.15, -0.2, -0, Number.MIN_VALUE, 1e308]);
  await prisma.checkpoint.create({
    data: { sessionId: session.id, step: 0, epoch: 0, cursor: 0, params: new Uint8Array(params.buffer), hyper: { lr: 0.5 } },
  });
  await prisma.controlEvent.create({ data: { sessionId: session.id, seq: 1, step: 0, action: "play", payload: {} } });
  await prisma.stepMetric.createMany({
    data: [
      { sessionId: session.id, step: 1, epoch: 0, loss: 0.3 },
      { sessionId: session.id, step: 2, epoch: 0, loss: 0.25, trainAccuracy: 0.5 },
    ],
  });
  await prisma.participant.create({ data: { sessionId: session.id, name: "Ada", role: "student" } });

  const checkpoint = await prisma.checkpoint.findUniqueOrThrow({ where: { sessionId_run_step: { sessionId: session.id, run: 0, step: 0 } } });
  const stored = new Float64Array(checkpoint.params.slice().buffer);
  expect(Array.from(stored)).toEqual(Array.from(params));
  expect(Object.is(stored[2], -0)).toBe(true);
  expect(checkpoint.controlSeq).toBe(0);

  const event = await prisma.controlEvent.findFirstOrThrow({ where: { sessionId: session.id } });
  expect(typeof event.id).toBe("bigint");
  await expect(
    prisma.controlEvent.create({ data: { sessionId: session.id, seq: 1, step: 3, action: "pause", payload: {} } }),
  ).rejects.toThrow();

  const metrics = await prisma.stepMetric.findMany({ where: { sessionId: session.id }, orderBy: { step: "asc" } });
  expect(metrics.map((m) => [m.step, m.loss, m.trainAccuracy])).toEqual([[1, 0.3, null], [2, 0.25, 0.5]]);

  // A join code is unique among unfinished sessions only.
  await expect(prisma.session.create({ data: newSession("ABC123") })).rejects.toThrow();
  await prisma.session.update({ where: { id: session.id }, data: { state: "finished", endedAt: new Date() } });
  const reused = await prisma.session.create({ data: newSession("ABC123") });

  await prisma.session.delete({ where: { id: session.id } });
  expect(await prisma.checkpoint.count({ where: { sessionId: session.id } })).toBe(0);
  expect(await prisma.stepMetric.count({ where: { sessionId: session.id } })).toBe(0);
  expect(await prisma.participant.count({ where: { sessionId: session.id } })).toBe(0);
  await prisma.session.delete({ where: { id: reused.id } });
}

describe("migrations on disk", () => {
  it("are found in order with Prisma's checksum (sha256 of the file)", async () => {
    const migrations = await readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.name)).toEqual([...migrations.map((m) => m.name)].sort());
    const first = migrations[0];
    const file = await readFile(path.join(MIGRATIONS_DIR, first.name, "migration.sql"), "utf8");
    expect(first.checksum).toBe(checksumOf(file));
    expect(first.checksum).toMatch(/^[0-9a-f]{64}$/);
  });
});

// Creating a database (initdb) takes 10–30 s of CPU on a busy two-core machine: the timeout is not a speed bound.
describe("PGlite database", { timeout: 120_000 }, () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "bp-db-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates DATA_DIR, applies the migrations and works through Prisma", async () => {
    const db = await openDatabase({ DATA_DIR: path.join(dataDir, "nested", "data") });
    try {
      expect(db.kind).toBe("pglite");
      expect(db.migrations.applied).toEqual((await readMigrations()).map((m) => m.name));
      const rows = await db.prisma.$queryRawUnsafe<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]>(
        `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations"`,
      );
      const expected = await readMigrations();
      expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(
        expected.map((m) => [m.name, m.checksum, 1]),
      );
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
      await exerciseModels(db);
    } finally {
      await db.close();
    }
  });

  it("re-opens idempotently, keeping the data", async () => {
    // A copy of the test template (the migrated database a first open makes): this case is about re-opening.
    const dir = await seedPgliteDataDir(path.join(dataDir, "reopen"));
    const first = await openDatabase({ DATA_DIR: dir });
    await first.prisma.session.create({ data: newSession("KEEP01") });
    await first.close();

    const second = await openDatabase({ DATA_DIR: dir });
    try {
      expect(second.migrations).toEqual({ applied: [], modified: [] });
      expect(await second.prisma.session.count({ where: { joinCode: "KEEP01" } })).toBe(1);
    } finally {
      await second.close();
    }
  });

  it("refuses a second open of the same directory while the first is open", async () => {
    const dir = await seedPgliteDataDir(path.join(dataDir, "single"));
    const db = await openDatabase({ DATA_DIR: dir });
    try {
      await expect(openDatabase({ DATA_DIR: dir })).rejects.toThrow(/already open/);
    } finally {
      await db.close();
    }
    const again = await openDatabase({ DATA_DIR: dir });
    await again.close();
  });

  it("rolls back a failing migration entirely and names it", async () => {
    const migrationsDir = path.join(dataDir, "broken-migrations");
    const good = await readMigrations();
    for (const m of good) {
      await mkdir(path.join(migrationsDir, m.name), { recursive: true });
      await writeFile(path.join(migrationsDir, m.name, "migration.sql"), m.sql);
    }
    await mkdir(path.join(migrationsDir, "99990101000000_broken"), { recursive: true });
    await writeFile(
      path.join(migrationsDir, "99990101000000_broken", "migration.sql"),
      `CREATE TABLE "Half" ("id" INTEGER);\nSELECT no_such_function();\n`,
    );
    const dir = path.join(dataDir, "broken");
    await expect(openDatabase({ DATA_DIR: dir }, { migrationsDir })).rejects.toThrow(
      /migration 99990101000000_broken failed: .*no_such_function/,
    );

    const db = await openDatabase({ DATA_DIR: dir });
    try {
      // The good migrations of the failed run stayed applied; the broken one left nothing behind.
      expect(db.migrations.applied).toEqual([]);
      const half = await db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'Half'`,
      );
      expect(Number(half[0].n)).toBe(0);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!hasPostgres)("PostgreSQL database", () => {
  const database = `bp_test_${process.pid}_${Date.now().toString(36)}`;
  const url = (schema?: string) =>
    `postgresql://postgres@127.0.0.1:5432/${database}${schema ? `?schema=${schema}` : ""}`;
  let admin: pg.Client;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin.end();
  });

  it("applies the migrations in Prisma's format and works through Prisma", async () => {
    const db = await openDatabase({ DATA_DIR: "unused", DATABASE_URL: url() });
    try {
      expect(db.kind).toBe("postgres");
      expect(db.migrations.applied).toEqual((await readMigrations()).map((m) => m.name));
      await exerciseModels(db);
    } finally {
      await db.close();
    }
    const direct = new pg.Client({ connectionString: url() });
    await direct.connect();
    try {
      const { rows } = await direct.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(rows.map((r) => `${r.column_name} ${r.data_type}`)).toEqual([
        "id character varying",
        "checksum character varying",
        "finished_at timestamp with time zone",
        "migration_name character varying",
        "logs text",
        "rolled_back_at timestamp with time zone",
        "started_at timestamp with time zone",
        "applied_steps_count integer",
      ]);
    } finally {
      await direct.end();
    }
  });

  it("re-opens idempotently", async () => {
    const db = await openDatabase({ DATA_DIR: "unused", DATABASE_URL: url() });
    try {
      expect(db.migrations).toEqual({ applied: [], modified: [] });
    } finally {
      await db.close();
    }
  });

  it("keeps to the URL's ?schema= and migrates it exactly once when two servers start together", async () => {
    const schemaUrl = url("tenant_a");
    const [a, b] = await Promise.all([
      openDatabase({ DATA_DIR: "unused", DATABASE_URL: schemaUrl }),
      openDatabase({ DATA_DIR: "unused", DATABASE_URL: schemaUrl }),
    ]);
    try {
      const applied = [...a.migrations.applied, ...b.migrations.applied];
      expect(applied).toEqual((await readMigrations()).map((m) => m.name));
      await a.prisma.session.create({ data: newSession("SCHEMA") });
      expect(await b.prisma.session.count()).toBe(1);
      const inPublic = await a.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM public."Session"`);
      expect(Number(inPublic[0].n)).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
