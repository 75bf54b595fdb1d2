"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { PRESET_IDS, PRESETS, type PresetId } from "@/lib/presets";
import { ApiError, createSession } from "@/app/_lib/api";
import { saveSession } from "@/app/_lib/instructor-storage";

/** Starts a session straight from a misconception demo: its network, data and weights, its note shown to the room. */
export function StartDemoForm() {
  const router = useRouter();
  const [preset, setPreset] = useState<PresetId>(PRESET_IDS[0]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await createSession({ preset });
      saveSession({ id: created.id, joinCode: created.joinCode, instructorKey: created.instructorKey, title: PRESETS[preset].title, joinUrl: created.joinUrl });
      router.push(`/s/${created.joinCode}/present`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not start the demo.");
      setBusy(false);
    }
  };
  return (
    <form onSubmit={start} className="flex flex-col gap-2 border-t border-border pt-3" aria-labelledby="demo-title" data-testid="start-demo-form">
      <h3 id="demo-title" className="font-semibold">
        Or start from a misconception demo
      </h3>
      <div className="flex flex-wrap items-center gap-2">
        <select value={preset} onChange={(e) => setPreset(e.target.value as PresetId)} className="min-w-0 max-w-full flex-1 rounded border border-border bg-bg px-2 py-1.5" aria-label="Demo" data-testid="demo-select">
          {PRESET_IDS.map((id) => (
            <option key={id} value={id}>
              {PRESETS[id].title}
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy} className="rounded-md border border-border px-3 py-1.5 font-semibold hover:bg-surface-2 disabled:opacity-50" data-testid="demo-start">
          {busy ? "Starting…" : "Start demo"}
        </button>
      </div>
      <p className="text-sm text-muted">{PRESETS[preset].watch}</p>
      {error ? (
        <p role="alert" className="text-sm text-bad">
          {error}
        </p>
      ) : null}
    </form>
  );
}
