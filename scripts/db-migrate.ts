import { openDatabase } from "../server/db";
import { describeError } from "../server/describe-error";
import { loadEnv } from "../server/env";

// `npm run db:migrate`: applies pending migrations the way the server does at start-up.
try {
  const db = await openDatabase(loadEnv());
  const { applied, modified } = db.migrations;
  console.log(applied.length > 0 ? `applied ${applied.join(", ")} (${db.kind})` : `${db.kind} database is up to date`);
  for (const name of modified) console.warn(`warning: migration ${name} was edited after it was applied`);
  await db.close();
} catch (error) {
  process.stderr.write(`backprop-live: cannot migrate: ${describeError(error)}\n`);
  process.exit(1);
}
