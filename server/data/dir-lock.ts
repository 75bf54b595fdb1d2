import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";

const LOCK_FILE = "pglite.pid";

// Directories this process holds; a lock file naming our own pid but absent here is stale
// (a container restarted with the same pid).
const heldDirs = new Set<string>();

/** Releases a directory lock. */
export type ReleaseLock = () => Promise<void>;

/**
 * Claims `dir` for this process with a pid file, because PGlite is single-process: two servers
 * (or a server and the Prisma CLI) on one data directory would corrupt it.
 */
export async function lockDir(dir: string): Promise<ReleaseLock> {
  const dirPath = path.resolve(dir);
  const file = path.join(dirPath, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    if (heldDirs.has(dirPath)) throw new Error(`${dirPath} is already open in this process`);
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldDirs.add(dirPath);
      return async () => {
        heldDirs.delete(dirPath);
        await unlink(file).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = Number.parseInt(await readFile(file, "utf8").catch(() => ""), 10);
    if (isAlive(owner) && owner !== process.pid) {
      throw new Error(`${dirPath} is in use by process ${owner} (stop it, or delete ${file} if it is gone)`);
    }
    await unlink(file).catch(() => undefined);
  }
  throw new Error(`cannot lock ${dirPath}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
