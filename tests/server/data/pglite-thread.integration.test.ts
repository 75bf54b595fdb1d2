/**
 * PGlite in a worker thread, reached by messages (server/data/pglite-thread.ts): Prisma must see the
 * same database, the same errors and the same transaction semantics as with PGlite on the main thread,
 * and an idle database must not keep Node running (the Prisma CLI never closes its adapter).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "@/server/db";
import { PgliteThread } from "@/server/data/pglite-thread";
import { seedPgliteDataDir } from "../helpers/pglite-template";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

let db: Database;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bp-thread-"));
  // Every database here is a copy of the test template: this file is about the thread, not creation
  // (tests/server/data/pglite-initdb.integration.test.ts is).
  db = await openDatabase({ DATA_DIR: await seedPgliteDataDir(path.join(dir, "data")), DATABASE_URL: undefined });
});
afterAll(async () => {
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

const session = (id: string, joinCode: string) => ({ id, title: "t", joinCode, instructorKeyHash: "h", config: { hidden: [2] }, state: "paused", step: 0 });

describe("PGlite in a worker thread", () => {
  it("passes PostgreSQL errors on as PGlite's DatabaseError, so the adapter reports them with their SQLSTATE", async () => {
    await db.prisma.session.create({ data: session("a1", "AAAAAA") });
    const duplicate = db.prisma.session.create({ data: session("a1", "BBBBBB") });
    // The registry tells a join-code collision by this (isUniqueViolation): code 23505, "duplicate key".
    await expect(duplicate).rejects.toMatchObject({ message: expect.stringMatching(/duplicate key/), cause: { kind: "postgres", code: "23505" } });
  });

  it("rolls back an interactive transaction that throws, and commits one that returns", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.session.create({ data: session("t1", "TTTTT1") });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(await db.prisma.session.findUnique({ where: { id: "t1" } })).toBeNull();
    await db.prisma.$transaction(async (tx) => {
      await tx.session.create({ data: session("t2", "TTTTT2") });
      await tx.session.update({ where: { id: "t2" }, data: { step: 7 } });
    });
    expect((await db.prisma.session.findUniqueOrThrow({ where: { id: "t2" } })).step).toBe(7);
  });

  it("returns every column type the schema uses (Json, Bytes, DateTime, nullable floats) intact", async () => {
    const bytes = new Uint8Array(new Float64Array([0.1, -0, Number.MIN_VALUE]).buffer);
    await db.prisma.session.create({ data: { ...session("c1", "CKCKCK"), config: { nested: { a: [1, "two", null] } } } });
    await db.prisma.checkpoint.create({ data: { sessionId: "c1", step: 0, epoch: 0, cursor: 0, params: bytes, hyper: { lr: 0.5 }, controlSeq: 0 } });
    const s = await db.prisma.session.findUniqueOrThrow({ where: { id: "c1" }, include: { checkpoints: true } });
    expect(s.config).toEqual({ nested: { a: [1, "two", null] } });
    expect(s.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(s.createdAt.getTime() - Date.now())).toBeLessThan(10 * 60_000);
    expect(Array.from(s.checkpoints[0].params)).toEqual(Array.from(bytes));
    expect(s.checkpoints[0].hyper).toEqual({ lr: 0.5 });
  });

  it("runs concurrent queries and transactions without mixing them up", async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? db.prisma.session.create({ data: session(`p${i}`, `PAR${String(i).padStart(3, "0")}`) })
          : db.prisma.$transaction([db.prisma.session.create({ data: session(`p${i}`, `PAR${String(i).padStart(3, "0")}`) }), db.prisma.session.update({ where: { id: `p${i}` }, data: { step: i } })]),
      ),
    );
    const rows = await db.prisma.session.findMany({ where: { id: { startsWith: "p" } }, select: { id: true, step: true } });
    expect(rows).toHaveLength(20);
    for (const r of rows) expect(r.step).toBe(Number(r.id.slice(1)) % 2 === 1 ? Number(r.id.slice(1)) : 0);
  });

  it("rejects requests after close instead of hanging", { timeout: 120_000 }, async () => {
    const thread = await PgliteThread.start(path.join(await seedPgliteDataDir(path.join(dir, "closing")), "pglite"));
    expect((await thread.query<{ x: number }>("SELECT 1 AS x")).rows).toEqual([{ x: 1 }]);
    await thread.close();
    await expect(thread.query("SELECT 1")).rejects.toThrow(/closed/);
  });

  it("an open but idle database does not keep Node running (the Prisma CLI never closes it)", { timeout: 150_000 }, async () => {
    const script = path.join(dir, "open-and-leave.mts");
    await seedPgliteDataDir(path.join(dir, "cli"));
    await writeFile(
      script,
      `import { openDatabase } from ${JSON.stringify(path.join(ROOT, "server/db.ts"))};
const db = await openDatabase({ DATA_DIR: ${JSON.stringify(path.join(dir, "cli"))} });
console.log("sessions", await db.prisma.session.count());`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => (child.kill("SIGKILL"), resolve(null)), 120_000);
      child.once("exit", (c) => (clearTimeout(timer), resolve(c)));
    });
    expect(out).toContain("sessions 0");
    expect(code).toBe(0);
  });
});
