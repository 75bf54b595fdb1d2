// The server as one compiled ES module: `npm start` runs it with plain `node` (no TypeScript loader
// at run time), and so do the servers the tests and benchmarks spawn. Plain JavaScript, so that
// scripts/start.mjs can load it without tsx.
import { createHash } from "node:crypto";
import { readFile, rename } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Where `npm start` writes the compiled server of the checkout at `root`; named after the checkout,
 * since a second checkout may share this one's node_modules (BENCH_COMPARE_ROOT).
 */
export function serverBundlePath(root = ROOT) {
  const name = createHash("sha256").update(path.resolve(root)).digest("hex").slice(0, 12);
  return path.join(root, `node_modules/.cache/backprop-live/server-${name}.mjs`);
}

/**
 * Each bundled source keeps its own `import.meta.url` (the file it came from), so the paths it resolves
 * against it (pglite-worker.mjs, the migrations, the Next project, the Prisma client) are the ones
 * `tsx server/index.ts` would see.
 * @type {import("esbuild").Plugin}
 */
const ownImportMetaUrl = {
  name: "own-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      return { contents: source.replaceAll("import.meta.url", JSON.stringify(pathToFileURL(args.path).href)), loader: "ts" };
    });
  },
};

/**
 * Compiles `server/index.ts` of the checkout at `root` and everything it imports from the repository
 * into one ES module at `outfile` (packages stay imports of node_modules, so the file must live inside
 * the checkout). About a second; the esbuild service is stopped afterwards so that nothing of it
 * stays in the process. Written to a file of this process and renamed into place, so servers
 * starting side by side in one checkout never read each other's half-written module.
 * @param {string} outfile
 * @param {string} [root]
 * @returns {Promise<string>} outfile
 */
export async function buildServerBundle(outfile, root = ROOT) {
  const esbuild = await import("esbuild");
  const scratch = `${outfile}.${process.pid}.tmp`;
  try {
    await esbuild.build({
      entryPoints: [path.join(root, "server/index.ts")],
      outfile: scratch,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      tsconfig: path.join(root, "tsconfig.json"),
      plugins: [ownImportMetaUrl],
      logLevel: "warning",
    });
  } finally {
    await esbuild.stop();
  }
  await rename(scratch, outfile);
  return outfile;
}
