"use client";

import { useEffect, useState } from "react";
import { PRESET_IDS, PRESETS, type PresetId } from "@/lib/presets";
import { fetchTemplate } from "@/app/_lib/api";
import type { SessionClient } from "@/app/_lib/session-client";
import type { SessionStore } from "@/app/_lib/session-store";
import { useSessionValue } from "@/app/_hooks/use-session-view";

const BUTTON = "rounded-md border border-border px-3 py-1.5 hover:bg-surface-2 disabled:opacity-50";
/** Most steps one `step` control makes. */
const MAX_STEP_COUNT = 1000;

/**
 * The misconception demos: one click starts a new run from the preset (the room sees its explanation);
 * each lists its paragraph before you play it, and the running one offers its suggested number of steps.
 * A session started from a template lists the template's presets first, in its order.
 */
export function PresetMenu({ store, client }: { store: SessionStore; client: SessionClient | null }) {
  const active = useSessionValue(store, (v) => v.teaching.preset?.id ?? null);
  const templateId = useSessionValue(store, (v) => v.teaching.templateId);
  const disabled = useSessionValue(store, (v) => v.connection !== "live" || v.state === "finished" || v.teaching.poll !== null) || !client;
  const [order, setOrder] = useState<PresetId[]>([...PRESET_IDS]);
  const [fromTemplate, setFromTemplate] = useState(0);

  useEffect(() => {
    if (!templateId) return;
    let live = true;
    fetchTemplate(templateId)
      .then((t) => {
        if (!live) return;
        const first = t.presets.filter((id): id is PresetId => (PRESET_IDS as readonly string[]).includes(id));
        setOrder([...first, ...PRESET_IDS.filter((id) => !first.includes(id))]);
        setFromTemplate(first.length);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [templateId]);

  const play = (id: PresetId) => void client?.control({ action: "preset", presetId: id });
  return (
    <section aria-labelledby="presets-title" className="flex flex-col gap-2" data-testid="preset-menu">
      <h2 id="presets-title" className="text-lg font-semibold">
        Misconception demos
      </h2>
      <p className="text-sm text-muted">Each starts a new run from step 0; the whole room sees its explanation.{fromTemplate > 0 ? " Your template's demos come first." : ""}</p>
      <ol className="flex flex-col gap-1">
        {order.map((id, k) => {
          const p = PRESETS[id];
          const isActive = active === id;
          const steps = Math.min(MAX_STEP_COUNT, p.suggestedSteps);
          return (
            <li key={id} className={`rounded-md border px-2 py-1.5 ${isActive ? "border-path bg-surface-2" : "border-border"}`} data-testid={`preset-${id}`} data-active={isActive}>
              <div className="grid grid-cols-[1fr_auto] items-start gap-2">
                <span className="min-w-0 font-medium">
                  {k < fromTemplate ? <span className="num mr-1 text-muted">{k + 1}.</span> : null}
                  {p.title}
                </span>
                <button type="button" className={BUTTON} disabled={disabled} onClick={() => play(id)} data-testid={`preset-play-${id}`} aria-label={`Play demo: ${p.title}`}>
                  {isActive ? "↺ Restart" : "▶ Play"}
                </button>
              </div>
              <details className="text-sm">
                <summary className="cursor-pointer text-muted">What it shows</summary>
                <p className="mt-1">{p.explanation}</p>
                <p className="mt-1">
                  <b>Watch:</b> {p.watch}
                </p>
              </details>
              {isActive ? (
                <button type="button" className={`${BUTTON} mt-2`} disabled={disabled} onClick={() => void client?.control({ action: "step", count: steps })} data-testid="preset-steps">
                  Step ×{steps} (makes the point)
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
