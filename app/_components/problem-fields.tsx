import { FEATURE_NAMES, FEATURES, MAX_CLASSES, type FeatureName } from "@/lib/engine";
import { datasetsFor, withClasses, withFeatures, withTask, type Task } from "./config-form-model";
import { DraftInput, DraftSelect, type DraftBinding } from "./draft-inputs";
import { configLimit } from "./field-limits";

const TASKS: readonly (readonly [Task, string])[] = [
  ["binary", "Two classes"],
  ["multiclass", "Several classes (softmax)"],
  ["regression", "Regression (linear output)"],
];
/** Class counts a multi-class dataset offers: 3 up to the engine's MAX_CLASSES (2 classes is the two-class task). */
const CLASS_COUNTS = Array.from({ length: MAX_CLASSES - 2 }, (_, k) => String(k + 3));

/** The start form's problem: the task, its dataset and class count, the data's noise and split, and the network's input features. */
export function ProblemFields({ b }: { b: DraftBinding }) {
  const { draft, errors } = b;
  const ownPoints = draft.points !== "";
  const toggle = (f: FeatureName, on: boolean) => b.update((d) => withFeatures(d, on ? [...d.features, f] : d.features.filter((x) => x !== f)));
  return (
    <>
      <fieldset className="grid grid-cols-2 gap-x-3 sm:grid-cols-4">
        <legend className="mb-1 font-semibold">Problem</legend>
        <div className="col-span-2">
          <DraftSelect b={b} field="task" label="Task" errorKey="task" options={TASKS} onPick={(d, v) => withTask(d, v as Task)} />
        </div>
        {ownPoints ? (
          <p className="col-span-2 text-sm" data-testid="setup-own-points">
            Uses the link’s own {countPoints(draft.points)} data points.{" "}
            <button type="button" className="underline" onClick={() => b.update((d) => ({ ...d, points: "" }))}>
              Use a built-in dataset instead
            </button>
          </p>
        ) : (
          <DraftSelect b={b} field="dataset" label="Dataset" errorKey="dataset.name" options={datasetsFor(draft.task)} />
        )}
        {draft.task === "multiclass" ? <DraftSelect b={b} field="classes" label="Classes" errorKey="dataset.classes" options={CLASS_COUNTS} hint={`3 to ${MAX_CLASSES}`} onPick={(d, v) => withClasses(d, v)} /> : null}
        <DraftInput b={b} field="noise" label="Noise" errorKey="dataset.noise" limitOf="dataset.noise" type="number" step="any" disabled={ownPoints} />
        <DraftInput b={b} field="size" label="Points" errorKey="dataset.size" limitOf="dataset.size" type="number" placeholder="200" disabled={ownPoints} />
        <DraftInput b={b} field="testRatio" label="Test share" errorKey="dataset.testRatio" limitOf="dataset.testRatio" type="number" step="any" placeholder="auto" />
        <DraftInput b={b} field="dataSeed" label="Data seed" errorKey="dataset.seed" limitOf="dataset.seed" type="number" />
      </fieldset>
      <fieldset className="flex flex-col gap-1" data-testid="field-features">
        <legend className="mb-1 font-semibold">Input features</legend>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {FEATURE_NAMES.map((f) => (
            <label key={f} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={draft.features.includes(f)} onChange={(e) => toggle(f, e.target.checked)} data-testid={`feature-${f}`} />
              <span className="font-mono">{FEATURES[f].label}</span>
            </label>
          ))}
        </div>
        <span className="text-xs text-muted">
          each one an input neuron, so Layer sizes starts with their count · <span data-testid="limit-features">{configLimit("features", "features")}</span>
        </span>
        <span className="min-h-[1.1rem] text-xs text-bad" role={errors.features ? "alert" : undefined} data-testid="error-features">
          {errors.features ?? ""}
        </span>
      </fieldset>
    </>
  );
}

function countPoints(json: string): number {
  try {
    const points = JSON.parse(json) as unknown;
    return Array.isArray(points) ? points.length : 0;
  } catch {
    return 0;
  }
}
