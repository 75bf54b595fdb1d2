"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ACTIVATION_NAMES, CONFIG_LOSS_NAMES } from "@/lib/engine";
import { DATASET_NAMES } from "@/lib/schemas";
import { ApiError, createSession } from "@/app/_lib/api";
import { saveSession } from "@/app/_lib/instructor-storage";
import { DEFAULT_DRAFT, readDraft, type ConfigDraft } from "./config-form-model";
import { FormField } from "./form-field";

const INPUT = "w-full rounded border border-border bg-bg px-2 py-1.5";

const LOSS_LABEL: Record<string, string> = { mse: "MSE", bce: "BCE" };
const LOSS_HINT: Record<string, string> = { mse: "squared error (y − ŷ)², the seed's", bce: "binary cross-entropy; sigmoid output" };

/**
 * "Start a session": the engine config (defaults = the seed's 2-2-1 sigmoid on XOR), validated in the
 * browser with the shared schema, then `POST /api/sessions`; the instructor key is kept in this
 * browser and the console opens.
 */
export function StartSessionForm() {
  const router = useRouter();
  const [draft, setDraft] = useState<ConfigDraft>(DEFAULT_DRAFT);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const set = (key: keyof ConfigDraft) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setDraft((d) => ({ ...d, [key]: e.target.value }));

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const read = readDraft(draft);
    if (!read.ok) return setErrors(read.errors);
    setErrors({});
    setBusy(true);
    try {
      const created = await createSession(read.body);
      saveSession({ id: created.id, joinCode: created.joinCode, instructorKey: created.instructorKey, title: String(read.body.title), joinUrl: created.joinUrl });
      router.push(`/s/${created.joinCode}/present`);
    } catch (err) {
      setErrors({ form: err instanceof ApiError ? err.message : "Could not start the session." });
      setBusy(false);
    }
  };

  const field = (key: keyof ConfigDraft, label: string, errorKey: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}, hint?: string) => (
    <FormField label={label} error={errors[errorKey]} hint={hint} testId={errorKey}>
      <input value={draft[key]} onChange={set(key)} className={INPUT} data-testid={`field-${key}`} {...props} />
    </FormField>
  );
  const select = (key: keyof ConfigDraft, label: string, errorKey: string, options: readonly string[]) => (
    <FormField label={label} error={errors[errorKey]} testId={errorKey}>
      <select value={draft[key]} onChange={set(key)} className={INPUT} data-testid={`field-${key}`}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </FormField>
  );

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3" aria-labelledby="start-title" data-testid="start-form">
      <h2 id="start-title" className="text-xl font-bold">
        Start a session
      </h2>
      {field("title", "Title", "title")}
      <fieldset className="grid grid-cols-1 gap-x-3 sm:grid-cols-4">
        <legend className="mb-1 font-semibold">Network</legend>
        {field("layers", "Layer sizes", "layers", { inputMode: "numeric" }, "input, hidden…, output")}
        {select("hidden", "Hidden activation", "activation.hidden", ACTIVATION_NAMES)}
        {select("output", "Output activation", "activation.output", ACTIVATION_NAMES)}
        <FormField label="Loss" error={errors.loss} testId="loss" hint={LOSS_HINT[draft.loss]}>
          <select value={draft.loss} onChange={set("loss")} className={INPUT} data-testid="field-loss">
            {CONFIG_LOSS_NAMES.map((l) => (
              <option key={l} value={l}>
                {LOSS_LABEL[l]}
              </option>
            ))}
          </select>
        </FormField>
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-x-3 sm:grid-cols-4">
        <legend className="mb-1 font-semibold">Training</legend>
        {field("learningRate", "Learning rate η", "learningRate", { type: "number", step: "any" })}
        {field("batchSize", "Batch size", "batchSize", { type: "number", min: 1 })}
        {select("regKind", "Regularisation", "regularization.kind", ["none", "l1", "l2"])}
        {field("regRate", "λ", "regularization.rate", { type: "number", step: "any", min: 0 })}
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-x-3 sm:grid-cols-5">
        <legend className="mb-1 font-semibold">Data</legend>
        {select("dataset", "Dataset", "dataset.name", DATASET_NAMES)}
        {field("noise", "Noise", "dataset.noise", { type: "number", step: "any", min: 0, max: 0.5 })}
        {field("size", "Points", "dataset.size", { type: "number", min: 4, placeholder: "200" }, "generated sets")}
        {field("dataSeed", "Data seed", "dataset.seed", { type: "number", min: 0 })}
        {field("testRatio", "Test share", "dataset.testRatio", { type: "number", step: "any", min: 0, max: 0.9, placeholder: "auto" })}
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-x-3">
        <legend className="mb-1 font-semibold">Initial parameters</legend>
        {select("initScheme", "Scheme", "init.scheme", ["xavier", "he", "uniform"])}
        {field("initSeed", "Init seed", "init.seed", { type: "number", min: 0 })}
        <div className="col-span-2">
          <FormField label="Explicit parameters (JSON, optional)" error={errors.params} testId="params" hint='e.g. { "weights": [[[0.1,0.2],[0.3,0.4]],[[0.5,0.6]]], "biases": [[0.1,0.1],[0.2]] }'>
            <textarea value={draft.params} onChange={set("params")} rows={3} spellCheck={false} className={`${INPUT} font-mono`} data-testid="field-params" />
          </FormField>
        </div>
      </fieldset>
      {errors.form ? (
        <p role="alert" className="text-bad" data-testid="start-error">
          {errors.form}
        </p>
      ) : null}
      {Object.keys(errors).some((k) => k !== "form") ? <p className="text-sm text-bad">Please fix the fields marked above.</p> : null}
      <div>
        <button type="submit" disabled={busy} className="rounded-md bg-accent px-5 py-2 font-semibold text-accent-fg disabled:opacity-50" data-testid="start-submit">
          {busy ? "Starting…" : "Start session"}
        </button>
      </div>
    </form>
  );
}
