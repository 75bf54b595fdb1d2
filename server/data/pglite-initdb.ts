import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, readdir, rename, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const INITDB_SCRIPT = fileURLToPath(new URL("./pglite-initdb-child.mjs", import.meta.url));
/**
 * Node flags of the initdb process, for its peak memory (measured with `npm run bench:memory`, see
 * docs/benchmarks.md): V8's young generation held to 1 MB per semi-space, one V8 background thread,
 * and PGlite's WebAssembly left to the baseline compiler (initdb runs each function a few times; the
 * optimising compiler's work and code were ~90 MB of its peak).
 */
export const INITDB_NODE_FLAGS = ["--max-semi-space-size=1", "--v8-pool-size=1", "--liftoff-only"];
/** Scratch directories of interrupted creations start with this, beside the database directory. */
const SCRATCH_SUFFIX = ".initdb-";

/** What creating a database cost, for the start-up log and the benchmarks. */
export interface CreatedDatabase {
  ms: number;
  /** "template": copied from the database `npm install` created (pgliteTemplateDir); "initdb": created here. */
  from: "template" | "initdb";
  /** Peak resident memory of the short-lived initdb process (0 when copied from the template). */
  maxRssMb: number;
  /** Resident memory of this process while initdb ran (it only waits meanwhile): the first start holds both at once. */
  serverRssMb: number;
}

/**
 * Where `npm install` leaves an empty database created with `startParams` (scripts/pglite-template.ts),
 * for first starts to copy instead of running initdb: under node_modules/.cache, named by PGlite's
 * version and a hash of the settings, so a new PGlite or other settings never use an old one.
 */
export function pgliteTemplateDir(startParams: string[]): string {
  const pkg = path.resolve(path.dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite")), "..");
  const { version } = JSON.parse(readFileSync(path.join(pkg, "package.json"), "utf8")) as { version: string };
  const key = createHash("sha256").update(JSON.stringify(startParams)).digest("hex").slice(0, 12);
  return path.join(pkg, "..", "..", ".cache", "backprop-live", `pglite-${version}-${key}`);
}

/**
 * Makes sure `dir` holds a PGlite (PostgreSQL) data directory; creates one if it does not: a copy of
 * the template `npm install` made, if there is one, otherwise with initdb in a child process
 * (pglite-initdb-child.mjs) that exits when done, so its peak memory is given back to the system
 * rather than kept by the server for its lifetime. Either way it fills a scratch directory that is
 * renamed to `dir` only once complete: a crash mid-way leaves no half-made database, only scratch to
 * remove. Resolves with null when the database already existed.
 */
export async function ensurePgliteDatabase(dir: string, startParams: string[]): Promise<CreatedDatabase | null> {
  if (existsSync(path.join(dir, "PG_VERSION"))) return null;
  // Anything but a database in `dir` is left for a person to look at; an empty `dir` is replaced.
  if ((await readdir(dir).catch(() => [])).length > 0) throw new Error(`${dir} is not empty but holds no database (no PG_VERSION): move it away and start again`);
  const template = pgliteTemplateDir(startParams);
  return createInto(dir, existsSync(path.join(template, "PG_VERSION")) ? template : null, startParams);
}

/** Creates the template `ensurePgliteDatabase` copies (initdb in a child process); null if it exists already. */
export async function createPgliteTemplate(startParams: string[]): Promise<CreatedDatabase | null> {
  const template = pgliteTemplateDir(startParams);
  if (existsSync(path.join(template, "PG_VERSION"))) return null;
  await mkdir(path.dirname(template), { recursive: true });
  await rm(template, { recursive: true, force: true });
  return createInto(template, null, startParams);
}

async function createInto(dir: string, template: string | null, startParams: string[]): Promise<CreatedDatabase> {
  const started = performance.now();
  await removeScratch(dir);
  const scratch = `${dir}${SCRATCH_SUFFIX}${process.pid}`;
  let maxRssKb = 0;
  try {
    if (template) await cp(template, scratch, { recursive: true });
    else maxRssKb = await runInitdb(scratch, startParams);
    await rename(scratch, dir);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
  const from = template ? "template" : "initdb";
  return { ms: Math.round(performance.now() - started), from, maxRssMb: Math.round(maxRssKb / 1024), serverRssMb: Math.round(process.memoryUsage.rss() / 1048576) };
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
    const child = spawn(process.execPath, [...INITDB_NODE_FLAGS, INITDB_SCRIPT, scratch, JSON.stringify(startParams)], { stdio: ["ignore", "pipe", "pipe", "ipc"] });
    let out = "";
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("error", (error) => reject(new Error(`could not start the database creation process: ${error.message}`)));
    child.once("exit", (code, signal) => {
      const result = /\{"maxRssKb":(\d+)\}/.exec(out);
      if (code === 0 && result) return resolve(Number(result[1]));
      reject(new Error(`creating the database in ${scratch} failed (${signal ?? `exit code ${code}`}): ${out.trim().slice(-2000)}`));
    });
  });
}
