"use client";

import { useMemo } from "react";
import type { EngineConfig } from "@/lib/engine";
import { layerGradientNorms } from "@/lib/gradient-check";
import type { PresetNote as PresetNoteInfo } from "@/lib/protocol";
import type { StepFocus } from "@/app/_lib/session-types";
import { LayerNorms } from "./layer-norms";

/** Presets whose point is the gradient size per layer. */
const SHOWS_LAYER_NORMS = new Set(["saturated-sigmoid"]);

/**
 * The misconception demo the run was started from, shown to the whole room: its title, the one-paragraph
 * explanation and what to watch; for the vanishing-gradient demo, |∂L/∂w| per layer of the step in focus.
 */
export function PresetNote({ note, config, focus }: { note: PresetNoteInfo; config: EngineConfig; focus: StepFocus }) {
  const trace = focus.trace;
  const norms = useMemo(() => {
    if (!SHOWS_LAYER_NORMS.has(note.id) || !trace) return null;
    try {
      return layerGradientNorms(trace, config.layers).map((n) => n.meanAbs);
    } catch {
      return null;
    }
  }, [note.id, trace, config.layers]);
  return (
    <section className="flex flex-col gap-2 rounded-xl border-2 border-path bg-surface p-3 sm:p-4" aria-labelledby="preset-title" data-testid="preset-note" data-preset={note.id}>
      <p className="text-sm font-semibold text-path">Misconception demo</p>
      <h2 id="preset-title" className="text-xl font-bold">
        {note.title}
      </h2>
      <div className={norms ? "grid grid-cols-1 gap-3 lg:grid-cols-[1fr_minmax(18rem,26rem)]" : ""}>
        <div className="flex flex-col gap-2">
          <p className="max-w-[75ch] leading-relaxed" data-testid="preset-explanation">
            {note.explanation}
          </p>
          <p className="max-w-[75ch] text-sm">
            <b>Watch:</b> {note.watch}
          </p>
        </div>
        {norms ? <LayerNorms norms={norms} /> : null}
      </div>
    </section>
  );
}
