"use client";

import { useState } from "react";
import { hyperSchema } from "@/lib/schemas";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const FIELD = "w-28 rounded border border-border bg-surface px-2 py-1";

interface Draft {
  learningRate: string;
  batchSize: string;
  kind: string;
  rate: string;
}

/** Live learning rate, batch size and regularisation, validated with the shared schema before sending. */
export function HyperControls({ store, client }: { store: SessionStore; client: SessionClient | null }) {
  const hyperJson = useSessionValue(store, (v) => (v.hyper ? JSON.stringify(v.hyper) : null));
  // Q6: changes wait while a poll is open (the polled step must be the one the room predicted).
  const disabled = useSessionValue(store, (v) => v.connection !== "live" || v.state === "finished" || v.teaching.poll !== null) || !client;
  const [draft, setDraft] = useState<{ from: string | null; value: Draft } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const server = hyperJson ? (JSON.parse(hyperJson) as { learningRate: number; batchSize: number; regularization: { kind: string; rate: number } }) : null;
  // A new server value replaces an untouched draft; an edited one stays until applied.
  const value: Draft =
    draft && (draft.from === hyperJson || draft.from === "edited")
      ? draft.value
      : { learningRate: String(server?.learningRate ?? ""), batchSize: String(server?.batchSize ?? ""), kind: server?.regularization.kind ?? "none", rate: String(server?.regularization.rate ?? 0) };
  const edit = (change: Partial<Draft>) => setDraft({ from: "edited", value: { ...value, ...change } });

  const apply = async (e: React.FormEvent) => {
    e.preventDefault();
    const parsed = hyperSchema.safeParse({
      learningRate: Number(value.learningRate),
      batchSize: Number(value.batchSize),
      regularization: { kind: value.kind, rate: Number(value.rate) },
    });
    if (!parsed.success) {
      setErrors(Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message])));
      return;
    }
    setErrors({});
    const res = await client?.control({ action: "set", ...parsed.data });
    if (res?.ok) setDraft(null);
    else if (res) setErrors({ form: res.error.message });
  };

  return (
    <form onSubmit={apply} className="flex flex-col gap-2" aria-labelledby="hyper-title" data-testid="hyper-controls" noValidate>
      <h3 id="hyper-title" className="font-semibold">
        Hyperparameters (live)
      </h3>
      <div className="flex flex-wrap gap-3">
        <Field label="Learning rate η" error={errors.learningRate}>
          <input type="number" step="any" min={0} value={value.learningRate} onChange={(e) => edit({ learningRate: e.target.value })} className={FIELD} data-testid="hyper-learning-rate" />
        </Field>
        <Field label="Batch size" error={errors.batchSize}>
          <input type="number" min={1} step={1} value={value.batchSize} onChange={(e) => edit({ batchSize: e.target.value })} className={FIELD} data-testid="hyper-batch-size" />
        </Field>
        <Field label="Regularisation" error={errors["regularization.kind"]}>
          <select value={value.kind} onChange={(e) => edit({ kind: e.target.value })} className={FIELD} data-testid="hyper-reg-kind">
            <option value="none">none</option>
            <option value="l1">L1</option>
            <option value="l2">L2</option>
          </select>
        </Field>
        <Field label="λ" error={errors["regularization.rate"]}>
          <input type="number" step="any" min={0} value={value.rate} onChange={(e) => edit({ rate: e.target.value })} className={FIELD} data-testid="hyper-reg-rate" />
        </Field>
      </div>
      {errors.form ? <p className="text-sm text-bad">{errors.form}</p> : null}
      <div>
        <button type="submit" disabled={disabled} className="rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50" data-testid="hyper-apply">
          Apply from the next step
        </button>
      </div>
    </form>
  );
}

function Field({ label, error, children }: { label: string; error?: string; children: React.ReactNode }) {
  return (
    <label className="flex flex-col gap-0.5 text-sm">
      <span>{label}</span>
      {children}
      <span className="min-h-[1.25rem] text-xs text-bad" role={error ? "alert" : undefined}>
        {error ?? ""}
      </span>
    </label>
  );
}
