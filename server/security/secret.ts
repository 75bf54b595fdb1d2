import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** File under DATA_DIR holding the generated secret (hex) when PARTICIPANT_TOKEN_SECRET is not set. */
export const SECRET_FILE = "participant-token.secret";

/**
 * The secret participant tokens are signed with, in one process: PARTICIPANT_TOKEN_SECRET if set,
 * else a random one generated at the first start and kept in DATA_DIR (mode 0600), so tokens stay
 * valid across restarts. Read once at start-up (synchronously, before the port opens).
 */
export function loadParticipantSecret(options: { fromEnv?: string; dataDir: string }): Buffer {
  if (options.fromEnv !== undefined) return Buffer.from(options.fromEnv, "utf8");
  const file = path.join(options.dataDir, SECRET_FILE);
  mkdirSync(options.dataDir, { recursive: true });
  try {
    // wx: of two processes starting at once on one data directory, the first file written wins.
    writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const text = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64,}$/.test(text)) throw new Error(`${file} does not hold a participant token secret (64+ hex digits); delete it to make a new one`);
  return Buffer.from(text, "hex");
}

/** A store every node of a cluster shares (Redis). */
export interface SharedSecretStore {
  /** Sets `key` to `value` unless it exists (Redis SET NX). */
  setIfAbsent(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

/** In a cluster: one secret for every node, written once into the shared store by the first node to start. */
export async function loadSharedParticipantSecret(store: SharedSecretStore, key: string): Promise<Buffer> {
  await store.setIfAbsent(key, randomBytes(32).toString("hex"));
  const value = await store.get(key);
  if (!value) throw new Error("the shared participant token secret could not be read from Redis");
  return Buffer.from(value, "hex");
}
