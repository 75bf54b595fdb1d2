import { defineConfig } from "prisma/config";
import { openDriver, type DatabaseDriver } from "./server/data/driver";
import { loadEnv } from "./server/env";

// The CLI asks for the adapter more than once per command; PGlite must be opened only once.
let driver: Promise<DatabaseDriver> | undefined;

// The CLI talks to the same database as the server, through the same driver adapter, so it runs
// with its bundled WASM schema engine and never downloads an engine binary.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  adapter: async () => (await (driver ??= openDriver(loadEnv()))).adapter,
});
