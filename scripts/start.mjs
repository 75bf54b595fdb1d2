// `npm start`: builds what a fresh clone lacks (Prisma client, Next build), then runs the server in
// production mode in this same process (so signals and the exit code are the server's own).
// After changing the UI or the schema, rebuild explicitly with `npm run build`.
// package.json starts it with V8 flags for memory (docs/benchmarks.md, "Memory"): a young generation
// of 1 MB per semi-space instead of up to 16 MB (in each of the three V8 isolates: the server, tsx's
// loader and the database worker) and one V8 background thread instead of four. `npm run bench:fanout`
// starts the server with the same flags, read from package.json.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
process.env.NODE_ENV = "production";
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(bin, args) {
  const result = spawnSync(`${root}node_modules/.bin/${bin}`, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    process.stderr.write(`backprop-live: \`${bin} ${args.join(" ")}\` failed\n`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(`${root}server/generated/prisma/client.ts`)) run("prisma", ["generate"]);
if (!existsSync(`${root}.next/BUILD_ID`)) run("next", ["build"]);

const { register } = await import("tsx/esm/api");
register();
await import("../server/index.ts");
