import { createApp } from "./app";
import { openDatabase } from "./db";
import { describeError } from "./describe-error";
import { loadEnv } from "./env";
import { attachLiveSessions } from "./live";
import { log, setLogLevel } from "./log";

/**
 * Longest a shutdown may take. Past it (the database is unreachable, so the final checkpoints cannot
 * be stored) the process exits anyway: every step a client saw and every acknowledged control is
 * already stored (R2), so only what nobody saw is lost, as after kill -9.
 */
const SHUTDOWN_DEADLINE_MS = 6_000;

// Wiring only: configuration, database, Next + Socket.IO, and shutdown on SIGTERM/SIGINT.
async function main(): Promise<void> {
  const env = loadEnv();
  setLogLevel(env.LOG_LEVEL);
  const dev = env.NODE_ENV !== "production";
  const db = await openDatabase(env).catch(rethrowAs("cannot open database"));
  try {
    const app = await createApp({ env, db, dev, next: env.SERVE_UI }).catch(rethrowAs("cannot start Next.js"));
    attachLiveSessions(app, env);
    const { url } = await app.listen().catch(rethrowAs(`cannot listen on ${env.HOST}:${env.PORT}`));
    log.info({ url, mode: dev ? "development" : "production", database: db.kind, ui: env.SERVE_UI }, `ready on ${url}`);
    if (db.migrations.modified.length > 0) {
      log.warn({ migrations: db.migrations.modified }, "migrations edited after being applied");
    }
    let stopping = false;
    const shutDown = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "shutting down");
      setTimeout(() => exitWith(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s (is the database unreachable?); exiting: every step clients saw is stored`), SHUTDOWN_DEADLINE_MS).unref();
      app
        .close()
        .then(() => db.close())
        .then(() => process.exit(0))
        .catch((error) => exitWith(`shutdown failed: ${describeError(error)}`));
    };
    process.on("SIGTERM", shutDown);
    process.on("SIGINT", shutDown);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}

function rethrowAs(what: string): (error: unknown) => never {
  return (error) => {
    throw new Error(`${what}: ${describeError(error)}`);
  };
}

function exitWith(line: string): never {
  process.stderr.write(`backprop-live: ${line}\n`);
  process.exit(1);
}

main().catch((error) => exitWith(describeError(error)));
