import type { ScheduleKind, StopKind } from "./config-form-model";
import { DraftInput, DraftSelect, INPUT, type DraftBinding } from "./draft-inputs";
import { stopLimit } from "./field-limits";
import { FormField } from "./form-field";

const SCHEDULES: readonly (readonly [ScheduleKind, string])[] = [
  ["constant", "Constant"],
  ["step", "Step decay"],
  ["inverse", "1/t decay"],
];
const SCHEDULE_HINTS: Record<ScheduleKind, string> = { constant: "η every step", step: "η × factor every N steps", inverse: "η / (1 + decay·t)" };
const STOPS: readonly (readonly [StopKind, string])[] = [
  ["none", "Never (pause by hand)"],
  ["steps", "At step"],
  ["epochs", "After epoch"],
  ["loss", "When training loss ≤"],
];

/** The start form's training: learning rate and its schedule, batch size, regularisation, and where play pauses by itself. */
export function RunFields({ b }: { b: DraftBinding }) {
  const { draft } = b;
  const stopKind = draft.stopKind;
  return (
    <fieldset className="grid grid-cols-2 gap-x-3 sm:grid-cols-4">
      <legend className="mb-1 font-semibold">Training</legend>
      <DraftInput b={b} field="learningRate" label="Learning rate η" errorKey="learningRate" limitOf="learningRate" type="number" step="any" />
      <DraftSelect b={b} field="lrKind" label="Learning-rate schedule" errorKey="lrSchedule.kind" options={SCHEDULES} hint={SCHEDULE_HINTS[draft.lrKind]} />
      {draft.lrKind === "step" ? (
        <>
          <DraftInput b={b} field="lrEvery" label="Decay every (steps)" errorKey="lrSchedule.every" limitOf="lrSchedule.every" type="number" />
          <DraftInput b={b} field="lrFactor" label="Decay factor" errorKey="lrSchedule.factor" limitOf="lrSchedule.factor" type="number" step="any" />
        </>
      ) : draft.lrKind === "inverse" ? (
        <div className="col-span-2">
          <DraftInput b={b} field="lrDecay" label="Decay rate" errorKey="lrSchedule.decay" limitOf="lrSchedule.decay" type="number" step="any" />
        </div>
      ) : (
        <div className="col-span-2" />
      )}
      <DraftInput b={b} field="batchSize" label="Batch size" errorKey="batchSize" limitOf="batchSize" type="number" hint="≤ training split" />
      <DraftSelect b={b} field="regKind" label="Regularisation" errorKey="regularization.kind" options={["none", "l1", "l2"]} />
      <DraftInput b={b} field="regRate" label="λ" errorKey="regularization.rate" limitOf="regularization.rate" type="number" step="any" />
      <div />
      <DraftSelect b={b} field="stopKind" label="Pause by itself" errorKey="stopKind" options={STOPS} />
      {stopKind === "none" ? null : (
        <FormField label="Stop at" error={b.errors.stop} limit={stopLimit(stopKind)} testId="stop">
          <input value={draft.stopValue} onChange={(e) => b.update((d) => ({ ...d, stopValue: e.target.value }))} type="number" step="any" className={INPUT} data-testid="field-stopValue" />
        </FormField>
      )}
    </fieldset>
  );
}
