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
import { createPgliteTemplate, ensurePgliteDatabase, pgliteTemplateDir } from "@/server/data/pglite-initdb";
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

  it("copies the template `npm install` made instead of running initdb, and the copy opens as a database of its own", { timeout: 240_000 }, async () => {
    // Settings of this test only, so it never uses nor replaces the real template (its name hashes them).
    const params = ["-c", "shared_buffers=16MB", "-c", `application_name=bp_template_test_${process.pid}`];
    const template = pgliteTemplateDir(params);
    try {
      const made = await createPgliteTemplate(params);
      expect(made).toMatchObject({ from: "initdb" });
      expect(made!.maxRssMb).toBeGreaterThan(0);
      expect(await createPgliteTemplate(params)).toBeNull(); // made once
      const db = path.join(dir, "from-template");
      const copied = await ensurePgliteDatabase(db, params);
      expect(copied).toMatchObject({ from: "template", maxRssMb: 0 });
      expect(await readdir(dir)).not.toContain(expect.stringContaining(".initdb-"));
      const opened = await PgliteThread.start(db);
      try {
        expect(opened.created).toBeNull();
        expect((await opened.query<{ application_name: string }>("SHOW application_name")).rows).toEqual([{ application_name: `bp_template_test_${process.pid}` }]);
        await opened.exec("CREATE TABLE mine (x int); INSERT INTO mine VALUES (7)");
      } finally {
        await opened.close();
      }
      expect(existsSync(path.join(template, "base"))).toBe(true);
      const again = await PgliteThread.start(await (async () => (await ensurePgliteDatabase(path.join(dir, "second"), params), path.join(dir, "second")))());
      try {
        expect((await again.query("SELECT to_regclass('mine') AS t")).rows).toEqual([{ t: null }]); // the template was not written to
      } finally {
        await again.close();
      }
    } finally {
      await rm(template, { recursive: true, force: true });
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
