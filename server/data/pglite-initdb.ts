import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const INITDB_SCRIPT = fileURLToPath(new URL("./pglite-initdb-child.mjs", import.meta.url));
/** Scratch directories of interrupted creations start with this, beside the database directory. */
const SCRATCH_SUFFIX = ".initdb-";

/** What creating a database cost, for the start-up log and the benchmarks. */
export interface CreatedDatabase {
  ms: number;
  /** Peak resident memory of the short-lived initdb process. */
  maxRssMb: number;
}

/**
 * Makes sure `dir` holds a PGlite (PostgreSQL) data directory; creates one if it does not. initdb runs
 * in a child process (pglite-initdb-child.mjs) that exits when done, so its peak memory is given back to the
 * system rather than kept by the server for its lifetime. It writes a scratch directory that is renamed
 * to `dir` only once complete: a crash mid-way leaves no half-made database, only scratch to remove.
 * Resolves with null when the database already existed.
 */
export async function ensurePgliteDatabase(dir: string, startParams: string[]): Promise<CreatedDatabase | null> {
  if (existsSync(path.join(dir, "PG_VERSION"))) return null;
  // Anything but a database in `dir` is left for a person to look at; an empty `dir` is replaced.
  if ((await readdir(dir).catch(() => [])).length > 0) throw new Error(`${dir} is not empty but holds no database (no PG_VERSION): move it away and start again`);
  const started = performance.now();
  await removeScratch(dir);
  const scratch = `${dir}${SCRATCH_SUFFIX}${process.pid}`;
  const maxRssKb = await runInitdb(scratch, startParams);
  await rename(scratch, dir).catch(async (error: Error) => {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  });
  return { ms: Math.round(performance.now() - started), maxRssMb: Math.round(maxRssKb / 1024) };
}

/** Removes scratch directories left by creations that were interrupted (the server was killed). */
async function removeScratch(dir: string): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = path.basename(dir) + SCRATCH_SUFFIX;
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(parent, n), { recursive: true, force: true })));
}

/** Runs pglite-initdb-child.mjs on `scratch`; resolves with its peak RSS (KB), rejects with its output if it fails. */
function runInitdb(scratch: string, startParams: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // An IPC channel only so that the child notices when this process dies (see pglite-initdb-child.mjs).
    const child = spawn(process.execPath, [INITDB_SCRIPT, scratch, JSON.stringify(startParams)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", (error) => reject(new Error(`could not start the database creation process: ${error.message}`)));
    child.once("exit", (code, signal) => {
      const result = /\{"maxRssKb":(\d+)\}/.exec(out);
      if (code === 0 && result) return resolve(Number(result[1]));
      rm(scratch, { recursive: true, force: true }).catch(() => undefined);
      reject(new Error(`creating the database in ${scratch} failed (${signal ?? `exit code ${code}`}): ${out.trim().slice(-2000)}`));
    });
  });
}
