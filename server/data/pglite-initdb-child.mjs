// @ts-check
// Creates an embedded PostgreSQL data directory (PGlite's initdb) in a short-lived child process, so
// that initdb's memory (a second PGlite instance, a copy of its whole WebAssembly heap, the catalog as a
// tar: 600–800 MB at its peak) is returned to the system when this process exits, instead of staying
// in the server's heap. Plain JavaScript for the same reason as pglite-worker.mjs.
// Usage: node pglite-initdb-child.mjs <dir> <json array of start parameters>
// Prints one JSON line on success: { "maxRssKb": number } (this process's peak resident memory).
import { PGlite } from "@electric-sql/pglite";

const [dir, paramsJson] = process.argv.slice(2);
if (!dir || !paramsJson) throw new Error("usage: pglite-initdb-child.mjs <dir> <json start parameters>");
/** @type {string[]} */
const params = JSON.parse(paramsJson);
// The parent died (kill -9): stop as soon as initdb yields, rather than finish a directory nobody will use.
process.on("disconnect", () => process.exit(1));

// initdb's own bootstrap backends get the settings too: with them it never sizes a 128 MB buffer pool.
const pglite = await PGlite.create({ dataDir: dir, initDbStartParams: params, startParams: [...PGlite.defaultStartParams, ...params] });
await pglite.close();
process.stdout.write(`${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`);
process.exit(0);
