"use client";

import { useMemo, useState } from "react";
import { createLayout, describeParams } from "@/lib/engine";
import type { SessionStore } from "@/app/_lib/session-store";
import { useStepFocus } from "@/app/_hooks/use-session-view";
import { DecisionBoundary } from "./decision-boundary";
import { EquationPanel } from "./equation-panel";
import { LossChart, type HistorySource } from "./loss-chart";
import { NetworkDiagram } from "./network-diagram";
import { ParameterTable } from "./parameter-table";

const CARD = "rounded-xl border border-border bg-surface p-3 sm:p-4";

/**
 * The teaching panels for the step in focus: diagram, equations, parameters, decision boundary and
 * loss curve (the store's, or `history` for a replay). They share one selected parameter and one example.
 */
export function SessionPanels({ store, history }: { store: SessionStore; history?: HistorySource }) {
  const { view, focus } = useStepFocus(store);
  const [selected, setSelected] = useState<number | null>(null);
  const [example, setExample] = useState(0);
  const config = view.meta?.config ?? null;
  const names = useMemo(() => (config ? describeParams(createLayout(config.layers)).map((p) => p.name) : []), [config]);
  if (!config) {
    return <div className={`${CARD} min-h-[24rem] text-muted`}>Waiting for the session…</div>;
  }
  const exampleIndex = Math.min(example, Math.max(0, (focus.trace?.examples.length ?? 1) - 1));
  const highlight = focus.trace?.examples[exampleIndex]?.index ?? null;
  return (
    // Row 2 takes the height the equations add (1fr), so no card stretches around empty space.
    <div className="grid grid-cols-1 gap-3 lg:grid-cols-12 lg:grid-rows-[auto_1fr_auto] lg:gap-4">
      <div className={`${CARD} lg:col-span-7`}>
        <h2 className="mb-2 text-lg font-semibold">Network</h2>
        <NetworkDiagram config={config} focus={focus} exampleIndex={exampleIndex} selected={selected} onSelect={setSelected} />
        {focus.mismatch ? <p className="mt-2 text-sm text-warn">These numbers were recomputed locally and differ from the broadcast parameters; the table shows the broadcast ones.</p> : null}
      </div>
      <div className={`${CARD} lg:col-span-5 lg:row-span-2`}>
        <EquationPanel config={config} focus={focus} exampleIndex={exampleIndex} onExampleIndex={setExample} selected={selected} />
      </div>
      {/* The table keeps its natural width (every column visible); the plot takes the rest, or wraps above it. */}
      <div className="flex flex-wrap content-start gap-3 lg:col-span-7 lg:gap-4">
        <div className={`${CARD} min-w-0 flex-[1_1_16rem]`}>
          <DecisionBoundary config={config} params={focus.params} highlight={highlight} />
        </div>
        <div className={`${CARD} min-w-0 flex-[1_1_auto]`}>
          <h2 className="mb-2 text-lg font-semibold">Parameters</h2>
          <ParameterTable names={names} focus={focus} selected={selected} onSelect={setSelected} />
        </div>
      </div>
      <div className={`${CARD} lg:col-span-12`}>
        <LossChart source={history ?? store} />
      </div>
    </div>
  );
}
