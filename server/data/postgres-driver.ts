import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { DatabaseDriver } from "./driver-types";
import { releaseBrokenClients } from "./pg-broken-clients";
import { log } from "../log";

/** Splits Prisma's `?schema=` parameter off a PostgreSQL URL, which `pg` does not understand. */
export function parsePostgresUrl(url: string): { connectionString: string; schema?: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema: schema || undefined };
}

/** Connects a pool to PostgreSQL, scoped to the URL's `?schema=` when it has one. */
export async function openPostgresDriver(url: string): Promise<DatabaseDriver> {
  const { connectionString, schema } = parsePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString,
    options: schema ? `-c search_path="${schema.replaceAll('"', '""')}"` : undefined,
    // A connection attempt into a dropped network would otherwise wait forever, and the write queue
    // with it; failing lets it retry and report the database unavailable.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on("error", (error) => log.warn(`idle database connection lost: ${error.message}`));
  return {
    kind: "postgres",
    adapter: releaseBrokenClients(new PrismaPg(pool, { schema })),
    async connectForMigrations() {
      const client = await pool.connect();
      return {
        schema,
        query: async <Row>(sql: string, params?: unknown[]) =>
          (await client.query(sql, params)).rows as Row[],
        exec: async (script: string) => void (await client.query(script)),
        // Dropped, not returned: nothing of the migration session (lock, search path) reaches the pool.
        release: async () => client.release(true),
      };
    },
    close: () => pool.end(),
  };
}
