// `npm start`: builds what a fresh clone lacks (Prisma client, Next build), compiles the server into
// one JavaScript module (scripts/server-bundle.mjs, about a second, every start: never stale), then
// runs it in production mode in this same process (so signals and the exit code are the server's own).
// No TypeScript loader stays in the process: tsx's loader thread held ~50 MB (docs/benchmarks.md).
// After changing the UI or the schema, rebuild explicitly with `npm run build`.
// package.json starts it with V8 flags for memory (docs/benchmarks.md, "Memory"): a young generation
// of 1 MB per semi-space instead of up to 16 MB (in both V8 isolates: the server and the database
// worker) and one V8 background thread instead of four. `npm run bench:fanout` starts the server with
// the same flags, read from package.json, and the same compiled module.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildServerBundle, serverBundlePath } from "./server-bundle.mjs";

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

await import(pathToFileURL(await buildServerBundle(serverBundlePath(root), root)).href);
