"use client";

import { useMemo } from "react";
import type { EngineConfig } from "@/lib/engine";
import type { StepFocus } from "@/app/_lib/session-types";
import { buildEquationModel, lossNote } from "./equation-model";
import { EquationRow } from "./equation-line";
import { LossCompare } from "./loss-compare";
import { PhaseIndicator } from "./phase-indicator";

/** Examples offered in the batch picker. */
const MAX_PICKABLE = 8;

const FOCUS_TITLE: Record<StepFocus["kind"], string> = {
  live: "Step",
  explore: "Step",
  pending: "Next step (being walked through)",
  preview: "Preview of step",
  none: "",
};

const NOTE_BORDER = { warn: "border-warn", bad: "border-bad", info: "border-accent" } as const;

/** Props of the equation panel. */
export interface EquationPanelProps {
  config: EngineConfig;
  focus: StepFocus;
  exampleIndex: number;
  onExampleIndex(k: number): void;
  selected: number | null;
}

/**
 * The seed's equations — forward pass, loss, chain rule, update — with this step's numbers plugged in,
 * the selected parameter's gradient as a product of factors, and the note on the seed's sign slip.
 */
export function EquationPanel({ config, focus, exampleIndex, onExampleIndex, selected }: EquationPanelProps) {
  const trace = focus.trace;
  const note = lossNote(config.loss);
  const model = useMemo(() => (trace ? buildEquationModel(config, trace, { exampleIndex, selected }) : null), [config, trace, exampleIndex, selected]);
  return (
    <section className="flex flex-col gap-3" aria-labelledby="equations-title" data-testid="equation-panel">
      <header className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="equations-title" className="text-lg font-semibold">
          {model ? (
            <>
              {FOCUS_TITLE[focus.kind]} <span className="num">{focus.step}</span>
            </>
          ) : (
            "Equations"
          )}
        </h2>
        <PhaseIndicator phase={focus.phase} />
      </header>
      <p className={`rounded-md border-l-4 bg-surface-2 px-3 py-2 text-sm ${NOTE_BORDER[note.tone]}`} data-testid="seed-sign-note" data-loss={config.loss}>
        <b className="math">{note.formula}</b> {note.text}
      </p>
      {!model ? (
        <p className="text-muted">{focus.kind === "none" ? "Waiting for the session…" : "This step's numbers could not be recomputed."}</p>
      ) : (
        <>
          <p className="text-sm text-muted" data-testid="equation-example">
            {model.exampleLabel}
          </p>
          {trace && trace.examples.length > 1 ? (
            <div className="flex flex-wrap gap-1" role="group" aria-label="Example of the batch">
              {trace.examples.slice(0, MAX_PICKABLE).map((ex, k) => (
                <button key={k} type="button" aria-pressed={k === exampleIndex} onClick={() => onExampleIndex(k)} className={`rounded border border-border px-2 py-0.5 text-sm ${k === exampleIndex ? "bg-accent text-accent-fg" : "hover:bg-surface-2"}`}>
                  #{ex.index}
                </button>
              ))}
            </div>
          ) : null}
          {model.chain ? (
            <div className="rounded-md border-2 border-path px-3 py-2" data-testid="chain-product">
              <div className="mb-1 text-sm font-semibold text-path">Chain rule for {model.chain.param}</div>
              <EquationRow line={model.chain.line} testId="chain-line" />
              {model.chain.batchNote ? <p className="mt-1 text-sm text-muted">{model.chain.batchNote}</p> : null}
            </div>
          ) : (
            <p className="text-sm text-muted">Select a weight or bias (in the diagram or the table) to see its gradient as a product of factors.</p>
          )}
          {model.sections.map((s) => {
            const active = focus.phase === s.phase;
            return (
              <section key={s.phase} data-testid={`equations-${s.phase}`} data-active={active} className={`rounded-md border px-3 py-2 transition-colors ${active ? "border-accent bg-surface-2 ring-2 ring-accent" : "border-border"} ${focus.phase && !active ? "opacity-60" : ""}`}>
                <h3 className="mb-1 font-semibold">{s.title}</h3>
                <div className="flex flex-col gap-0.5 text-[0.95rem]">
                  {s.lines.map((l) => (
                    <EquationRow key={l.id} line={l} />
                  ))}
                </div>
                {s.phase === "loss" && trace ? <LossCompare example={trace.examples[exampleIndex] ?? trace.examples[0]} output={config.activation.output} loss={config.loss} /> : null}
              </section>
            );
          })}
        </>
      )}
    </section>
  );
}
