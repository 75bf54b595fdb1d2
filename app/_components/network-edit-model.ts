import { acceptsClasses, isRegression, type ActivationName, type EngineConfig, type LossName } from "@/lib/engine";

/** The console's data fields as typed. */
export interface DataDraft {
  name: string;
  classes: number;
  noise: string;
  testRatio: string;
}

/** The data fields of a running config (what the form shows before anything is changed). */
export function dataDraftOf(config: EngineConfig): DataDraft {
  const d = config.dataset;
  const named = "name" in d;
  return { name: named ? d.name : "xor", classes: named && d.classes ? d.classes : 2, noise: named ? String(d.noise) : "0", testRatio: d.testRatio !== undefined ? String(d.testRatio) : "" };
}

/** The output layer a dataset needs: softmax + ce for more than two classes, linear + mse for regression, else a sigmoid with the current loss. */
export function outputFor(config: EngineConfig, name: string, classes: number): { output: ActivationName; loss: LossName; outputs: number } {
  if (acceptsClasses(name) && classes > 2) return { output: "softmax", loss: "ce", outputs: classes };
  if (isRegression(name)) return { output: "linear", loss: "mse", outputs: 1 };
  const current = config.activation.output;
  const keeps = current !== "softmax" && current !== "linear";
  return { output: keeps ? current : "sigmoid", loss: keeps && config.loss !== "ce" ? config.loss : "mse", outputs: 1 };
}

/**
 * The `edit { kind: "data" }` payload for the console's data fields (not yet validated: the edit schema
 * does that): the class count is always sent (2 clears a multi-class count), and the output layer
 * follows the targets (`outputFor`).
 */
export function dataEditOf(config: EngineConfig, d: DataDraft): Record<string, unknown> {
  const { output, loss } = outputFor(config, d.name, d.classes);
  const num = (s: string) => (s.trim() === "" ? NaN : Number(s));
  return {
    kind: "data",
    name: d.name,
    classes: acceptsClasses(d.name) ? d.classes : 2,
    noise: num(d.noise),
    ...(d.testRatio.trim() !== "" ? { testRatio: num(d.testRatio) } : {}),
    output,
    loss,
  };
}
