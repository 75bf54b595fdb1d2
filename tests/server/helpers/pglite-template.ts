import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openDatabase } from "@/server/db";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CACHE_DIR = path.join(ROOT, "node_modules/.cache/backprop-live");
/** What an embedded database made by the server depends on: a change to any of these makes a new template. */
const TEMPLATE_INPUTS = ["prisma/migrations", "server/data/pglite-initdb-child.mjs", "server/data/pglite-thread.ts", "server/data/pglite-driver.ts", "server/data/migrate.ts"];

async function hashInputs(): Promise<string> {
  const hash = createHash("sha256");
  hash.update(await readFile(path.join(ROOT, "node_modules/@electric-sql/pglite/package.json")));
  const walk = async (p: string): Promise<void> => {
    const entries = await readdir(p, { withFileTypes: true }).catch(() => null);
    if (entries === null) return void hash.update(p).update(await readFile(p));
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) await walk(path.join(p, e.name));
  };
  for (const input of TEMPLATE_INPUTS) await walk(path.join(ROOT, input));
  return hash.digest("hex").slice(0, 16);
}

let template: Promise<string> | null = null;

/**
 * A closed, migrated embedded database made by the server's own code (initdb in its child process,
 * then every migration), created once and kept in node_modules/.cache keyed by what it is made from.
 * initdb costs 10–30 s of CPU; a copy of the result costs a fraction of a second, and a server opening
 * the copy finds exactly what its own first start would have left (the tests of creating a database,
 * tests/server/data/pglite-initdb.integration.test.ts and db.integration.test.ts, do not use it).
 */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = path.join(CACHE_DIR, `pglite-${await hashInputs()}`);
    if (existsSync(path.join(dir, "PG_VERSION"))) return dir;
    await mkdir(CACHE_DIR, { recursive: true });
    const scratch = await mkdtemp(path.join(CACHE_DIR, "scratch-"));
    try {
      const db = await openDatabase({ DATA_DIR: scratch, DATABASE_URL: undefined });
      await db.close();
      // Atomic: a concurrent maker (another vitest worker or run) either finds the finished template or loses the race.
      await rename(path.join(scratch, "pglite"), dir).catch((error: NodeJS.ErrnoException) => {
        if (!existsSync(path.join(dir, "PG_VERSION"))) throw error;
      });
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return dir;
  })();
  return template;
}

/**
 * Gives `dataDir` (a server's DATA_DIR) a copy of the template database unless it already holds one,
 * so the server starts without initdb. Returns `dataDir`.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<string> {
  const target = path.join(dataDir, "pglite");
  if (existsSync(target)) return dataDir;
  await mkdir(dataDir, { recursive: true });
  await cp(await pgliteTemplate(), target, { recursive: true });
  return dataDir;
}
