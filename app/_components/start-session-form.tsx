"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { ACTIVATION_NAMES, CONFIG_LOSS_NAMES, HIDDEN_ACTIVATION_NAMES } from "@/lib/engine";
import { MAX_TITLE_LENGTH } from "@/lib/schemas";
import { ApiError, createSession } from "@/app/_lib/api";
import { saveSession } from "@/app/_lib/instructor-storage";
import { DEFAULT_DRAFT, readDraft, type ConfigDraft } from "./config-form-model";
import { DraftInput, DraftSelect, INPUT, type DraftBinding } from "./draft-inputs";
import { FormField } from "./form-field";
import { ProblemFields } from "./problem-fields";
import { RunFields } from "./run-fields";
import { readSetupHash } from "./setup-link";

const LOSSES: Record<string, string> = { mse: "MSE (squared error)", bce: "BCE (binary CE)", ce: "CE (cross-entropy)" };

/**
 * "Start a session": the engine config (defaults = the seed's 2-2-1 sigmoid on XOR), validated in the
 * browser with the shared schema, then `POST /api/sessions`; the instructor key is kept in this
 * browser and the console opens. A setup link (`/#setup=…`, "Copy setup link" in the console) opens
 * it prefilled, read through the same schemas.
 */
export function StartSessionForm() {
  const router = useRouter();
  const [draft, setDraft] = useState<ConfigDraft>(DEFAULT_DRAFT);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [linkNote, setLinkNote] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const b: DraftBinding = { draft, errors, update: setDraft };

  useEffect(() => {
    const load = () => {
      const read = readSetupHash(window.location.hash);
      if (read.kind === "ok") {
        setDraft(read.draft);
        setLinkNote({ ok: true, text: "Opened from a setup link: check the fields, then start." });
      } else if (read.kind === "bad") {
        setDraft(DEFAULT_DRAFT);
        setLinkNote({ ok: false, text: read.message });
      }
    };
    load();
    window.addEventListener("hashchange", load);
    return () => window.removeEventListener("hashchange", load);
  }, []);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const read = readDraft(draft);
    if (!read.ok) {
      setErrors(read.errors);
      // The first field with a message gets the focus (it may be below the sticky Start button).
      const form = e.currentTarget as HTMLFormElement;
      requestAnimationFrame(() => {
        const field = form.querySelector('[role="alert"]')?.closest("label, fieldset, details")?.querySelector<HTMLElement>("input, select, textarea");
        // Centred, so the sticky Start bar does not cover it.
        field?.scrollIntoView({ block: "center" });
        field?.focus({ preventScroll: true });
      });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const created = await createSession(read.body);
      saveSession({ id: created.id, joinCode: created.joinCode, instructorKey: created.instructorKey, title: String(read.body.title), joinUrl: created.joinUrl, stop: read.stop });
      router.push(`/s/${created.joinCode}/present`);
    } catch (err) {
      setErrors({ form: err instanceof ApiError ? err.message : "Could not start the session." });
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-3" aria-labelledby="start-title" data-testid="start-form">
      <h2 id="start-title" className="text-xl font-bold">
        Start a session
      </h2>
      {linkNote ? (
        <p role={linkNote.ok ? "status" : "alert"} className={`rounded border px-3 py-2 text-sm ${linkNote.ok ? "border-border" : "border-bad text-bad"}`} data-testid="setup-link-note">
          {linkNote.text}
        </p>
      ) : null}
      <DraftInput b={b} field="title" label="Title" errorKey="title" hint={`1 to ${MAX_TITLE_LENGTH} characters`} />
      <ProblemFields b={b} />
      <fieldset className="grid grid-cols-1 gap-x-3 sm:grid-cols-4">
        <legend className="mb-1 font-semibold">Network</legend>
        <DraftInput b={b} field="layers" label="Layer sizes" errorKey="layers" limitOf="layers" itemWord="layers" inputMode="numeric" hint="inputs, hidden…, outputs" />
        <DraftSelect b={b} field="hidden" label="Hidden activation" errorKey="activation.hidden" options={HIDDEN_ACTIVATION_NAMES} />
        <DraftSelect b={b} field="output" label="Output activation" errorKey="activation.output" options={ACTIVATION_NAMES} />
        <DraftSelect b={b} field="loss" label="Loss" errorKey="loss" options={CONFIG_LOSS_NAMES.map((l) => [l, LOSSES[l] ?? l] as const)} />
      </fieldset>
      <RunFields b={b} />
      <details className="rounded border border-border px-3 py-2" open={Object.keys(errors).some((k) => k.startsWith("init.") || k === "params") || undefined}>
        <summary className="cursor-pointer font-semibold">Initial parameters</summary>
        <div className="mt-2 grid grid-cols-3 gap-x-3">
          <DraftSelect b={b} field="initScheme" label="Scheme" errorKey="init.scheme" options={["xavier", "he", "uniform"]} />
          <DraftInput b={b} field="initSeed" label="Init seed" errorKey="init.seed" limitOf="init.seed" type="number" />
          <DraftInput b={b} field="initRange" label="Init range" errorKey="init.range" limitOf="init.range" type="number" step="any" hint="uniform" />
          <div className="col-span-3">
            <FormField label="Explicit parameters (JSON, optional)" error={errors.params} testId="params" hint='e.g. { "weights": [[[0.1,0.2],[0.3,0.4]],[[0.5,0.6]]], "biases": [[0.1,0.1],[0.2]] }'>
              <textarea value={draft.params} onChange={(e) => setDraft((d) => ({ ...d, params: e.target.value }))} rows={3} spellCheck={false} className={`${INPUT} font-mono`} data-testid="field-params" />
            </FormField>
          </div>
        </div>
      </details>
      {errors.form ? (
        <p role="alert" className="text-bad" data-testid="start-error">
          {errors.form}
        </p>
      ) : null}
      {/* Sticky: the submit stays on screen on a 1366×768 laptop however long the form grows. */}
      <div className="sticky bottom-0 -mx-4 flex flex-wrap items-center gap-3 border-t border-border bg-surface px-4 py-2">
        <button type="submit" disabled={busy} className="rounded-md bg-accent px-5 py-2 font-semibold text-accent-fg disabled:opacity-50" data-testid="start-submit">
          {busy ? "Starting…" : "Start session"}
        </button>
        {Object.keys(errors).some((k) => k !== "form") ? (
          <p className="text-sm text-bad" data-testid="start-fix-fields">
            Please fix the fields marked in red{errors.params ? " (under Initial parameters too)" : ""}.
          </p>
        ) : null}
      </div>
    </form>
  );
}
