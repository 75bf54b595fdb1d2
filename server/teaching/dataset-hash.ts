import { createHash } from "node:crypto";
import { buildDataset, type DatasetSpec } from "@/lib/engine";

/**
 * "Same dataset" for compare-runs: SHA-256 of the resolved training and test splits (dimensions, then
 * every x and y as IEEE-754 bytes, in split order). A named dataset and the same points typed in hash
 * equal; a different seed, size, noise or test ratio gives different points or splits and differs.
 */
export function datasetHash(spec: DatasetSpec): string {
  const data = buildDataset(spec);
  const h = createHash("sha256");
  h.update(`dims:${data.inputDim},${data.targetDim};train:${data.train.n};test:${data.test.n};`);
  for (const split of [data.train, data.test]) {
    h.update(new Uint8Array(split.x.buffer, split.x.byteOffset, split.x.byteLength));
    h.update(new Uint8Array(split.y.buffer, split.y.byteOffset, split.y.byteLength));
  }
  return h.digest("hex");
}
