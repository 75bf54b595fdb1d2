import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pgliteTemplate } from "../server/helpers/pglite-template";
import { ROOT, startNextBuild } from "./helpers/next-build";

/**
 * Once per run, before any test of the run: the template database of the servers (see
 * tests/global-setup.ts), and the Next production build every e2e file serves (made only if the
 * sources changed since the last one). It is started here, in the background, so that it overlaps the
 * integration tests; each e2e file waits for it (ensureNextBuild), and no two ever build into `.next`
 * at the same time.
 */
export async function setup(): Promise<() => void> {
  await mkdir(path.join(ROOT, "node_modules/.cache/backprop-live"), { recursive: true });
  await pgliteTemplate();
  return startNextBuild();
}
