/**
 * Run by `npm install` (postinstall): creates the empty embedded database that a first start copies
 * instead of running initdb itself (server/data/pglite-initdb.ts), so the first start's memory peak is
 * a normal start's rather than initdb's (≈ 0.6 GB, in this short-lived process instead). Offline, and
 * never fails the install: without the template, the first start runs initdb as before. Migrations
 * are not part of it; the server applies them at every start. `PGLITE_TEMPLATE=0` skips it.
 */
import { createPgliteTemplate } from "../server/data/pglite-driver";

if (process.env.PGLITE_TEMPLATE === "0") process.exit(0);
try {
  const created = await createPgliteTemplate();
  if (created) console.log(`backprop-live: created the embedded database template in ${(created.ms / 1000).toFixed(1)} s (initdb process peak RSS ${created.maxRssMb} MB)`);
} catch (error) {
  console.warn(`backprop-live: no embedded database template (${(error as Error).message.split("\n")[0]}); the first start will create the database itself`);
}
