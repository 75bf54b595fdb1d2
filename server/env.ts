import { z } from "zod";
import { defaultLogLevel, LOG_LEVELS } from "./log";

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
  SESSIONS_PER_IP_PER_HOUR: optionalPositiveInt,
  TEMPLATES_PER_IP_PER_HOUR: optionalPositiveInt,
  /** Refused (over-rate) socket events within 10 s after which the socket is disconnected. */
  ABUSE_STRIKES: optionalPositiveInt,
  /** Signs participant tokens (at least 32 characters); unset: a random secret kept in DATA_DIR. */
  PARTICIPANT_TOKEN_SECRET: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(32, "must have at least 32 characters").optional()),
  /** Comma-separated origins (scheme://host[:port]) whose pages may open sockets, besides PUBLIC_URL's. */
  ALLOWED_ORIGINS: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().transform((v, ctx) => {
      const origins: string[] = [];
      for (const item of v.split(",").map((x) => x.trim()).filter(Boolean)) {
        try {
          const u = new URL(item);
          if ((u.protocol !== "http:" && u.protocol !== "https:") || u.origin !== item.replace(/\/$/, "")) throw new Error();
          origins.push(u.origin);
        } catch {
          ctx.addIssue({ code: "custom", message: `${JSON.stringify(item)} is not an origin like https://lecture.example.org` });
          return z.NEVER;
        }
      }
      return origins;
    }).optional(),
  ),
  // Sandbox forks (docs/protocol.md F3, F4); unset keeps DEFAULT_FORK_LIMITS.
  FORK_LIMIT_PER_PARTICIPANT: optionalPositiveInt,
  FORK_LIMIT_PER_IP: optionalPositiveInt,
  FORK_IDLE_HOURS: optionalPositiveNumber,
  FORK_SWEEP_SECONDS: optionalPositiveNumber,
  /** Redis shared by every node: setting it runs this process as one node of a cluster (needs DATABASE_URL). */
  REDIS_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional()),
  /** The Redis stream (and key prefix) of this cluster; every node of one deployment must use the same. */
  REDIS_STREAM: z.string().regex(/^[A-Za-z0-9:_.-]{1,100}$/, "must be 1-100 letters, digits or : _ . -").prefault("backprop-live"),
  /** fatal, error, warn, info, debug, trace or silent; unset: info (warn under tests). */
  LOG_LEVEL: z.preprocess((v) => (v === "" || v === undefined ? defaultLogLevel() : v), z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` })),
  /** Lets a scraper that is not on loopback read /metrics with `Authorization: Bearer <token>`. */
  METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "must be at least 16 characters").optional()),
  /** At shutdown, answer /readyz 503 but keep serving this long, so a load balancer moves new clients away first. */
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0, "must be ≥ 0").max(300, "must be ≤ 300").prefault("0"),
}).refine((env) => env.REDIS_URL === undefined || env.DATABASE_URL !== undefined, {
  path: ["REDIS_URL"],
  message: "several nodes (REDIS_URL) need a shared PostgreSQL: set DATABASE_URL; the embedded PGlite database is single-process only",
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
