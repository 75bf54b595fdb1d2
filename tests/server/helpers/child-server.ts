import { spawn, type ChildProcess } from "node:child_process";
import { freePort, readyUrl, startNodeFlags } from "@/scripts/load/processes";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { seedPgliteDataDir } from "./pglite-template";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
/** `npm start`'s node flags, so that memory is measured as a lecture's server would hold it. */
const NODE_FLAGS = startNodeFlags(ROOT);

export { freePort };

/** The real server (`tsx server/index.ts`, API and sockets only) as a child process. */
export interface ChildServer {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/**
 * Starts the server and resolves once it listens. An embedded database it would create in DATA_DIR is
 * copied from the template instead (pglite-template.ts) unless `freshDatabase` is set.
 */
export async function startChildServer(env: Record<string, string>, options: { startTimeoutMs?: number; freshDatabase?: boolean } = {}): Promise<ChildServer> {
  if (env.DATA_DIR && !env.DATABASE_URL && !env.REDIS_URL && !options.freshDatabase) await seedPgliteDataDir(env.DATA_DIR);
  // The run's compiled server (tests/global-setup.ts), else node --import tsx (not the tsx CLI, which
  // forks): either way the pid we signal is the server itself.
  const bundle = inject("serverBundle");
  const child = spawn(process.execPath, [...NODE_FLAGS, ...(bundle ? [bundle] : ["--import", "tsx", "server/index.ts"])], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", SERVE_UI: "false", HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL"); // never leave a half-started server behind
      reject(new Error(`server did not start:\n${out}`));
    }, options.startTimeoutMs ?? 240_000); // a first start creates the database (initdb): 30–60 s on a loaded machine
    const check = () => {
      const ready = readyUrl(out);
      if (ready) {
        clearTimeout(timer);
        resolve(ready);
      }
    };
    child.stdout!.on("data", check);
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${out}`)));
  });
  return { url, child, output: () => out, exited };
}

