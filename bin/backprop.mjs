#!/usr/bin/env node
// The `backprop` command: loads the TypeScript CLI through tsx, so it runs without a build step.
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const { main } = await tsImport("../cli/backprop.ts", {
  parentURL: import.meta.url,
  // The repo's own tsconfig, whatever directory the command is run from.
  tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)),
});
process.exitCode = await main(process.argv.slice(2));
