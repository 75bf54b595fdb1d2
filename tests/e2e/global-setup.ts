import { pgliteTemplate } from "../server/helpers/pglite-template";
import { ensureNextBuild } from "./helpers/next-build";

/**
 * Once per run, before any browser test: the template database of the servers (see
 * tests/global-setup.ts), and the Next production build every e2e file serves (made only if the
 * sources changed since the last one). Here, not in each file, so that e2e files running side by side
 * never build into `.next` at the same time.
 */
export async function setup(): Promise<void> {
  await pgliteTemplate();
  ensureNextBuild();
}
