"use client";

import { useState } from "react";
import { PRESET_IDS, PRESETS, type PresetId } from "@/lib/presets";
import { ApiError, createTemplate } from "@/app/_lib/api";
import type { SessionStore } from "@/app/_lib/session-store";
import { saveTemplateKey } from "@/app/_lib/template-storage";
import { useSessionValue } from "@/app/_hooks/use-session-view";
import { buildTemplate } from "./template-model";

/**
 * "Save as template": this session's network, dataset and initial weights (as the run started, or the
 * current ones), with the misconception demos in the order ticked, to start next year's lecture from.
 */
export function TemplateSave({ store, inDisclosure = false }: { store: SessionStore; inDisclosure?: boolean }) {
  const title = useSessionValue(store, (v) => v.meta?.title ?? "");
  const [name, setName] = useState<string | null>(null);
  const [presets, setPresets] = useState<PresetId[]>([]);
  const [useCurrent, setUseCurrent] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const shownName = name ?? title;

  const toggle = (id: PresetId) => setPresets((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    const view = store.getView();
    if (!view.meta) return;
    const draft = buildTemplate(shownName, view.meta.config, { presets, currentParams: useCurrent ? view.latest?.params : null });
    if (!draft.ok) return setStatus({ ok: false, text: draft.error });
    setBusy(true);
    try {
      const created = await createTemplate(draft.body);
      saveTemplateKey({ id: created.id, name: draft.body.name, templateKey: created.templateKey });
      setStatus({ ok: true, text: `Saved “${draft.body.name}”. The lobby lists it; this browser keeps its delete key.` });
    } catch (err) {
      setStatus({ ok: false, text: err instanceof ApiError ? err.message : "Could not save the template." });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save} aria-labelledby="template-title" className="flex flex-col gap-2" data-testid="template-save" noValidate>
      <h2 id="template-title" className={inDisclosure ? "sr-only" : "text-lg font-semibold"}>
        Save as template
      </h2>
      <label className="flex flex-col gap-0.5 text-sm">
        <span className="font-medium">Name</span>
        <input value={shownName} onChange={(e) => setName(e.target.value)} maxLength={120} className="rounded border border-border bg-bg px-2 py-1.5" data-testid="template-name" />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={useCurrent} onChange={(e) => setUseCurrent(e.target.checked)} />
        Start from the current weights (otherwise from this run&apos;s initial ones)
      </label>
      <fieldset className="text-sm">
        <legend className="font-medium">Demos, in the order you tick them</legend>
        <ul className="mt-1 flex flex-col gap-0.5">
          {PRESET_IDS.map((id) => {
            const at = presets.indexOf(id);
            return (
              <li key={id}>
                <label className="flex items-center gap-2">
                  <input type="checkbox" checked={at >= 0} onChange={() => toggle(id)} />
                  <span className="num inline-block w-4 text-muted">{at >= 0 ? at + 1 : ""}</span>
                  {PRESETS[id].title}
                </label>
              </li>
            );
          })}
        </ul>
      </fieldset>
      <div>
        <button type="submit" disabled={busy} className="rounded-md border border-border px-3 py-1.5 font-semibold hover:bg-surface-2 disabled:opacity-50" data-testid="template-submit">
          {busy ? "Saving…" : "Save template"}
        </button>
      </div>
      <p className={`min-h-[1.25rem] text-sm ${status?.ok ? "text-ok" : "text-bad"}`} role={status && !status.ok ? "alert" : "status"}>
        {status?.text ?? ""}
      </p>
    </form>
  );
}
