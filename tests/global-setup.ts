import { pgliteTemplate } from "./server/helpers/pglite-template";

/** Once per run, before any test file: the embedded database every PGlite test server starts from a copy of. */
export async function setup(): Promise<void> {
  await pgliteTemplate();
}
