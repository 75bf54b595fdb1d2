"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { PRESETS, isPresetId } from "@/lib/presets";
import { ApiError, createSession, deleteTemplate, fetchTemplates, type TemplateSummary } from "@/app/_lib/api";
import { saveSession } from "@/app/_lib/instructor-storage";
import { forgetTemplateKey, listSavedTemplates } from "@/app/_lib/template-storage";
import { ConfirmButton } from "./confirm-button";

/** Saved session templates: start this year's lecture from last year's network, data, weights and demos. */
export function TemplateList() {
  const router = useRouter();
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null);
  const [keys, setKeys] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = () =>
    fetchTemplates()
      .then(setTemplates)
      .catch((err) => setError(err instanceof ApiError ? err.message : "Could not load the templates."));
  useEffect(() => {
    void load();
    setKeys(Object.fromEntries(listSavedTemplates().map((t) => [t.id, t.templateKey])));
  }, []);

  const start = async (t: TemplateSummary) => {
    setBusy(t.id);
    setError(null);
    try {
      const created = await createSession({ templateId: t.id, title: t.name });
      saveSession({ id: created.id, joinCode: created.joinCode, instructorKey: created.instructorKey, title: t.name, joinUrl: created.joinUrl });
      router.push(`/s/${created.joinCode}/present`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not start the session.");
      setBusy(null);
    }
  };

  const remove = async (t: TemplateSummary) => {
    try {
      await deleteTemplate(t.id, keys[t.id]);
      forgetTemplateKey(t.id);
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not delete the template.");
    }
  };

  if (templates === null && error === null) return null;
  return (
    <section aria-labelledby="templates-title" data-testid="template-list">
      <h2 id="templates-title" className="text-xl font-bold">
        Templates
      </h2>
      {templates && templates.length === 0 ? <p className="text-sm text-muted">None yet: “Save as template” in a console keeps a lecture&apos;s setup for next time.</p> : null}
      <ul className="mt-2 flex flex-col gap-1">
        {(templates ?? []).map((t) => (
          <li key={t.id} className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-border py-1" data-testid="template-row">
            <span className="min-w-0 flex-1">
              <span className="block truncate font-medium">{t.name}</span>
              <span className="block truncate text-xs text-muted">
                [{t.layers.join(", ")}] on {t.dataset}
                {t.presets.length > 0 ? ` · demos: ${t.presets.filter(isPresetId).map((id) => PRESETS[id].title.split(":")[0]).join(", ")}` : ""}
              </span>
            </span>
            <button type="button" onClick={() => void start(t)} disabled={busy !== null} className="rounded-md bg-accent px-3 py-1 font-semibold text-accent-fg disabled:opacity-50" data-testid="template-start">
              {busy === t.id ? "Starting…" : "Start"}
            </button>
            {keys[t.id] ? <ConfirmButton label="Delete" confirmLabel="Press again to delete" onConfirm={() => void remove(t)} /> : null}
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="mt-1 text-sm text-bad">
          {error}
        </p>
      ) : null}
    </section>
  );
}
