"use client";

import dynamic from "next/dynamic";

/**
 * The session panels that are not on a phone's first screen, each in its own chunk, fetched when its
 * tab is opened (or at once on a wide screen, where every panel shows): the equations and gradient
 * check (lib/explain), the decision boundary and parameter table, and the loss curve and compare-runs
 * (uPlot). The network diagram and the "now" header stay in the page's own bundle.
 */
const placeholder = (height: string) =>
  function PanelLoading() {
    return <div className={`${height} animate-pulse rounded-lg bg-surface-2`} aria-hidden />;
  };

export const LazyEquationPanel = dynamic(() => import("./equation-panel").then((m) => m.EquationPanel), { ssr: false, loading: placeholder("h-64") });
export const LazyGradientCheckPanel = dynamic(() => import("./gradient-check-panel").then((m) => m.GradientCheckPanel), { ssr: false, loading: placeholder("h-24") });
export const LazyDecisionBoundary = dynamic(() => import("./decision-boundary").then((m) => m.DecisionBoundary), { ssr: false, loading: placeholder("aspect-square") });
export const LazyParameterTable = dynamic(() => import("./parameter-table").then((m) => m.ParameterTable), { ssr: false, loading: placeholder("h-40") });
export const LazyLossChart = dynamic(() => import("./loss-chart").then((m) => m.LossChart), { ssr: false, loading: placeholder("h-[220px]") });
export const LazyCompareRuns = dynamic(() => import("./compare-runs").then((m) => m.CompareRuns), { ssr: false, loading: placeholder("h-24") });
