"use client";

import { useEffect, useMemo, useState } from "react";
import { createLayout, describeParams } from "@/lib/engine";
import { gradientCheck, traceExamples } from "@/lib/gradient-check";
import type { SessionStore } from "@/app/_lib/session-store";
import { useStepFocus } from "@/app/_hooks/use-session-view";
import { useMediaQuery, WIDE_QUERY } from "@/app/_hooks/use-media-query";
import { LazyCompareRuns, LazyDecisionBoundary, LazyEquationPanel, LazyGradientCheckPanel, LazyLossChart, LazyParameterTable } from "./lazy-panels";
import type { HistorySource } from "./loss-chart";
import { NetworkDiagram, type NetworkDiagramProps } from "./network-diagram";
import { NetworkTable } from "./network-table";
import { PresetNote } from "./preset-note";

const CARD = "rounded-xl border border-border bg-surface p-3 sm:p-4";

/** The small-screen tabs: one picture at a time, one tap away from the others. */
const TABS = [
  { id: "network", label: "Network" },
  { id: "equations", label: "Equations" },
  { id: "boundary", label: "Boundary" },
  { id: "curve", label: "Curve" },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** On a phone only the chosen tab's cards show; from lg up every card does. */
const shownOn = (tab: Tab, active: Tab) => (tab === active ? "" : "hidden lg:block");

/** Props of the panels. */
export interface SessionPanelsProps {
  store: SessionStore;
  /** A replay's loss curve instead of the store's. */
  history?: HistorySource;
  /** The selected parameter, when the page shares it (the instructor's poll asks about it). */
  selected?: number | null;
  onSelect?(index: number | null): void;
  /** The instructor's data editing: clicks on the decision-boundary plane. */
  onPlaneClick?: (x1: number, x2: number, remove: boolean, radius: number) => void;
  /** The instructor's console: a click on a weight or bias opens its editor (the diagram's `onEditParam`). */
  onEditParam?: NetworkDiagramProps["onEditParam"];
  /** Shown under the diagram (the console's parameter editor), so instructor-only UI stays out of the student's bundle. */
  networkExtra?: React.ReactNode;
  /** Live sessions offer compare-runs (a replay does not). */
  compare?: boolean;
}

/**
 * The teaching panels for the step in focus: the preset's note, diagram, equations, gradient check,
 * parameters, decision boundary, loss curve (the store's, or `history` for a replay) and compare-runs.
 * They share one selected parameter and one example.
 */
export function SessionPanels({ store, history, selected: sharedSelected, onSelect, onPlaneClick, onEditParam, networkExtra, compare = false }: SessionPanelsProps) {
  const { view, focus } = useStepFocus(store);
  const [ownSelected, setOwnSelected] = useState<number | null>(null);
  const selected = sharedSelected !== undefined ? sharedSelected : ownSelected;
  const setSelected = onSelect ?? setOwnSelected;
  const [example, setExample] = useState(0);
  const [tab, setTab] = useState<Tab>("network");
  // A phone mounts only the chosen tab's panels, so their code is fetched on the first tap (lazy-panels).
  const wide = useMediaQuery(WIDE_QUERY);
  const mounted = (t: Tab) => wide || tab === t;
  // The phone follows what the instructor puts on the projector (PV1).
  const projected = view.teaching.focus;
  useEffect(() => {
    if (projected === "network" || projected === "curve") setTab(projected);
  }, [projected]);
  const config = view.meta?.config ?? null;
  const names = useMemo(() => (config ? describeParams(createLayout(config.layers)).map((p) => p.name) : []), [config]);
  const trace = focus.trace;
  const check = useMemo(() => {
    if (!config || !trace || selected === null || selected >= trace.before.length || trace.examples.length === 0) return null;
    try {
      return gradientCheck(config, trace.before, traceExamples(trace), selected);
    } catch {
      return null;
    }
  }, [config, trace, selected]);
  if (!config) {
    return <div className={`${CARD} min-h-[24rem] text-muted`}>Waiting for the session…</div>;
  }
  const exampleIndex = Math.min(example, Math.max(0, (focus.trace?.examples.length ?? 1) - 1));
  const highlight = focus.trace?.examples[exampleIndex]?.index ?? null;
  return (
    <div className="flex flex-col gap-3 lg:gap-4">
      {view.teaching.preset ? <PresetNote note={view.teaching.preset} config={config} focus={focus} /> : null}
      <div role="tablist" aria-label="Panels" className="sticky top-0 z-10 grid grid-cols-4 gap-1 rounded-xl border border-border bg-surface p-1 lg:hidden" data-testid="panel-tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            className={`whitespace-nowrap rounded-lg px-0 py-2 text-[0.8125rem] font-semibold ${tab === t.id ? "bg-accent text-accent-fg" : "text-fg"}`}
            onClick={() => setTab(t.id)}
            data-testid={`panel-tab-${t.id}`}
          >
            {t.label}
          </button>
        ))}
      </div>
      {/* Row 2 takes the height the equations add (1fr), so no card stretches around empty space. */}
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-12 lg:grid-rows-[auto_1fr_auto] lg:gap-4">
        <div className={`${CARD} lg:col-span-7 ${shownOn("network", tab)}`}>
          <h2 className="mb-2 text-lg font-semibold">Network</h2>
          <NetworkDiagram config={config} focus={focus} exampleIndex={exampleIndex} selected={selected} onSelect={setSelected} onEditParam={onEditParam} />
          {networkExtra}
          <NetworkTable config={config} focus={focus} exampleIndex={exampleIndex} />
          {focus.mismatch ? <p className="mt-2 text-sm text-warn">These numbers were recomputed locally and differ from the broadcast parameters; the table shows the broadcast ones.</p> : null}
        </div>
        <div className={`flex-col gap-3 lg:col-span-5 lg:row-span-2 lg:flex lg:gap-4 ${tab === "equations" ? "flex" : "hidden"}`}>
          {mounted("equations") ? (
            <>
              <div className={CARD}>
                <LazyEquationPanel config={config} focus={focus} exampleIndex={exampleIndex} onExampleIndex={setExample} selected={selected} />
              </div>
              <div className={CARD}>
                <LazyGradientCheckPanel check={check} hint={selected !== null && !trace ? "This step's numbers could not be recomputed." : undefined} />
              </div>
            </>
          ) : null}
        </div>
        {/* The table keeps its natural width (every column visible); the plot takes the rest, or wraps above it. */}
        <div className={`flex-wrap content-start gap-3 lg:col-span-7 lg:flex lg:gap-4 ${tab === "boundary" ? "flex" : "hidden"}`}>
          {mounted("boundary") ? (
            <>
              <div className={`${CARD} min-w-0 flex-[1_1_16rem]`}>
                <LazyDecisionBoundary config={config} params={focus.params} highlight={highlight} onPlaneClick={onPlaneClick} />
              </div>
              <div className={`${CARD} min-w-0 flex-[1_1_auto]`}>
                <h2 className="mb-2 text-lg font-semibold">Parameters</h2>
                <LazyParameterTable names={names} focus={focus} selected={selected} onSelect={setSelected} />
              </div>
            </>
          ) : null}
        </div>
        <div className={`${CARD} lg:col-span-12 ${shownOn("curve", tab)}`}>
          {mounted("curve") ? <LazyLossChart source={history ?? store} /> : null}
        </div>
      </div>
      {compare && view.meta && mounted("curve") ? (
        <div className={`${CARD} ${shownOn("curve", tab)}`}>
          <LazyCompareRuns store={store} sessionId={view.meta.sessionId} title={view.meta.title} />
        </div>
      ) : null}
    </div>
  );
}
