import type { BatchPass } from "./batch";
import type { Split } from "./datasets";
import type { ExampleTrace } from "./trace";
import { toArray } from "./trainer";

/** Example e of the last batch pass (training example `index`), copied out for the trace. */
export function recordExample(pass: BatchPass, nOff: Int32Array, index: number, e: number, split: Split, inputDim: number, targetDim: number, features: boolean): ExampleTrace {
  const layers = nOff.length - 1;
  const z: number[][] = [[]];
  const a: number[][] = [column(pass.a, pass.batch, e, 0, nOff[1])];
  const delta: number[][] = [[]];
  for (let l = 1; l < layers; l++) {
    z.push(column(pass.z, pass.batch, e, nOff[l], nOff[l + 1]));
    a.push(column(pass.a, pass.batch, e, nOff[l], nOff[l + 1]));
    delta.push(column(pass.delta, pass.batch, e, nOff[l], nOff[l + 1]));
  }
  return {
    index,
    x: toArray(split.x, index * inputDim, (index + 1) * inputDim),
    ...(features ? { point: split.points[index].x.slice() } : {}),
    y: toArray(split.y, index * targetDim, (index + 1) * targetDim),
    z,
    a,
    loss: pass.exampleLoss[e],
    dLdyhat: column(pass.dLdyhat, pass.batch, e, 0, targetDim),
    delta,
  };
}

/** Example e's neurons [from, to) of a neuron-major batch buffer with `batch` examples per neuron. */
function column(values: Float64Array, batch: number, e: number, from: number, to: number): number[] {
  const out: number[] = [];
  for (let n = from; n < to; n++) out.push(values[n * batch + e]);
  return out;
}
