import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Each bundled source keeps its own `import.meta.url` (the file it came from), so the paths it resolves
 * against it (pglite-worker.mjs, the migrations, the Prisma client's engine) are the ones tsx would see.
 */
const ownImportMetaUrl: Plugin = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/**
 * Compiles `server/index.ts` and everything it imports from the repository into one ES module at
 * `outfile` (packages stay imports of node_modules). Spawned test servers run it with plain `node`:
 * the same code as `tsx server/index.ts`, without compiling TypeScript at every start (the kill -9
 * loop starts a server 42 times). Built once per test run, in tests/global-setup.ts.
 */
export async function buildServerBundle(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(ROOT, "server/index.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    plugins: [ownImportMetaUrl],
    logLevel: "warning",
  });
}
