/**
 * Creating the embedded database (server/data/pglite-initdb.ts): initdb runs in a short-lived child
 * process and writes a scratch directory renamed into place when complete, so a crash mid-way leaves
 * no half-made database; the worker then opens it with the memory settings (docs/benchmarks.md, "Memory").
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePgliteDatabase } from "@/server/data/pglite-initdb";
import { PgliteThread } from "@/server/data/pglite-thread";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bp-initdb-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("creating the embedded database", () => {
  it("creates it in a child process, removes an interrupted creation's scratch, and opens it with a 16 MB buffer pool", { timeout: 240_000 }, async () => {
    const db = path.join(dir, "pglite");
    const scratch = `${db}.initdb-999999`;
    await mkdir(scratch);
    await writeFile(path.join(scratch, "PG_VERSION"), "half made\n");
    const first = await PgliteThread.start(db);
    try {
      expect(first.created).not.toBeNull();
      expect(first.created!.maxRssMb).toBeGreaterThan(0);
      expect(existsSync(path.join(db, "PG_VERSION"))).toBe(true);
      expect(await readdir(dir)).toEqual(["pglite"]);
      expect((await first.query<{ shared_buffers: string }>("SHOW shared_buffers")).rows).toEqual([{ shared_buffers: "16MB" }]);
      await first.exec("CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)");
    } finally {
      await first.close();
    }
    const second = await PgliteThread.start(db);
    try {
      expect(second.created).toBeNull();
      expect((await second.query<{ x: number }>("SELECT x FROM kept")).rows).toEqual([{ x: 42 }]);
    } finally {
      await second.close();
    }
  });

  it("refuses a non-empty directory that holds no database, naming it, without running initdb", async () => {
    const other = path.join(dir, "other");
    await mkdir(other);
    await writeFile(path.join(other, "notes.txt"), "mine\n");
    await expect(ensurePgliteDatabase(other, [])).rejects.toThrow(`${other} is not empty but holds no database`);
    expect(await readdir(other)).toEqual(["notes.txt"]);
  });
});
