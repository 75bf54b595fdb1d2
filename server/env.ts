import { z } from "zod";

const optionalPositiveInt = z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().positive().optional());
const optionalPositiveNumber = z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().positive().finite().optional());

const postgresUrlSchema = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://");

/** The server's configuration, read once from the process environment at start-up. */
export const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).prefault("3000"),
  HOST: z.string().min(1).prefault("0.0.0.0"),
  /** PostgreSQL to use instead of the embedded PGlite database. */
  DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), postgresUrlSchema.optional()),
  /** Where the embedded database and other local state live. */
  DATA_DIR: z.string().min(1).prefault("./data"),
  NODE_ENV: z.enum(["development", "production", "test"]).prefault("development"),
  /** The address students reach the server at (join links, QR codes), when not the request's own. */
  PUBLIC_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
  /** "false" serves only the API and Socket.IO (no Next.js UI): for tests and headless nodes. */
  SERVE_UI: z.enum(["true", "false"], { error: "must be true or false" }).prefault("true").transform((v) => v === "true"),
  // Overrides of DEFAULT_LIMITS (server/realtime/limits.ts); unset keeps the default.
  MAX_LIVE_SESSIONS: optionalPositiveInt,
  MAX_SOCKETS_PER_SESSION: optionalPositiveInt,
  MAX_PAYLOAD_BYTES: optionalPositiveInt,
  CONTROLS_PER_SECOND: optionalPositiveInt,
  MAX_BODY_BYTES: optionalPositiveInt,
  MAX_LIVE_PARAMS: optionalPositiveInt,
  MAX_CONNECTIONS_PER_IP: optionalPositiveInt,
  FAILED_JOINS_PER_MINUTE: optionalPositiveInt,
  FAILED_JOIN_BLOCK_SECONDS: optionalPositiveInt,
  // Sandbox forks (docs/protocol.md F3, F4); unset keeps DEFAULT_FORK_LIMITS.
  FORK_LIMIT_PER_PARTICIPANT: optionalPositiveInt,
  FORK_LIMIT_PER_IP: optionalPositiveInt,
  FORK_IDLE_HOURS: optionalPositiveNumber,
  FORK_SWEEP_SECONDS: optionalPositiveNumber,
});

/** Parsed, typed server environment. */
export type Env = z.infer<typeof envSchema>;

/** Parses `source` (default `process.env`); throws an Error naming the first bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = issue.path.join(".") || "environment";
  throw new Error(`invalid environment variable ${name}: ${issue.message}`);
}
