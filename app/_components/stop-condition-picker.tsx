"use client";

import type { StopCondition } from "@/lib/engine";
import { stopConditionSchema } from "@/lib/stop-schema";
import { readableRule } from "./config-form-model";
import { stopLimit } from "./field-limits";

/** The picker's fields as typed. */
export interface StopDraft {
  kind: "none" | StopCondition["kind"];
  value: string;
}

/** The draft of a stop condition (none: an empty draft). */
export function stopDraftOf(stop: StopCondition | null | undefined): StopDraft {
  if (!stop) return { kind: "none", value: "" };
  return { kind: stop.kind, value: String(stop.kind === "loss" ? stop.below : stop.count) };
}

/** The draft read with the server's `play { until }` schema: the condition, none, or the message naming the field. */
export function readStopDraft(d: StopDraft): { ok: true; stop: StopCondition | null } | { ok: false; message: string } {
  if (d.kind === "none") return { ok: true, stop: null };
  const value = d.value.trim() === "" ? NaN : Number(d.value);
  const parsed = stopConditionSchema.safeParse(d.kind === "loss" ? { kind: "loss", below: value } : { kind: d.kind, count: value });
  return parsed.success ? { ok: true, stop: parsed.data } : { ok: false, message: `Pause at ${readableRule(parsed.error.issues[0].message)}` };
}

/** "Pause by itself at …" next to Play: the stop condition (S1) the next Play carries as `until`. */
export function StopConditionPicker({ draft, onChange, error, disabled }: { draft: StopDraft; onChange(d: StopDraft): void; error: string | null; disabled: boolean }) {
  return (
    <div className="flex flex-col gap-0.5">
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-2">
          Pause by itself
          <select value={draft.kind} disabled={disabled} onChange={(e) => onChange({ ...draft, kind: e.target.value as StopDraft["kind"] })} className="rounded border border-border bg-surface px-2 py-1" data-testid="stop-kind">
            <option value="none">never</option>
            <option value="steps">at step</option>
            <option value="epochs">after epoch</option>
            <option value="loss">at training loss ≤</option>
          </select>
        </label>
        {draft.kind === "none" ? null : (
          <label className="flex items-center gap-1">
            <span className="sr-only">Pause at</span>
            <input type="number" step="any" value={draft.value} disabled={disabled} onChange={(e) => onChange({ ...draft, value: e.target.value })} className="w-28 rounded border border-border bg-surface px-2 py-1" data-testid="stop-value" />
            <span className="text-xs text-muted">{stopLimit(draft.kind)}</span>
          </label>
        )}
      </div>
      {error ? (
        <p role="alert" className="text-xs text-bad" data-testid="stop-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}
