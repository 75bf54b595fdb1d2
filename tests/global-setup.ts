import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { pgliteTemplate } from "./server/helpers/pglite-template";
import { buildServerBundle } from "../scripts/server-bundle.mjs";

declare module "vitest" {
  interface ProvidedContext {
    /** The compiled server (scripts/server-bundle.mjs, as `npm start` runs it) that spawned test servers run, made for this run. */
    serverBundle: string;
  }
}

const CACHE_DIR = fileURLToPath(new URL("../node_modules/.cache/backprop-live", import.meta.url));

/**
 * Once per run, before any test file: the embedded database every PGlite test server starts from a
 * copy of, and the compiled server that spawned test servers run.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  await mkdir(CACHE_DIR, { recursive: true });
  const bundle = path.join(CACHE_DIR, `server-${process.pid}-${Date.now()}.mjs`);
  await Promise.all([pgliteTemplate(), buildServerBundle(bundle)]);
  project.provide("serverBundle", bundle);
  return () => rm(bundle, { force: true });
}
