"use client";

import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { buildOverlay, runStyle, type RunCurve } from "@/app/_lib/curve-overlay";
import { useTheme } from "@/app/_hooks/use-theme";
import { cssVar, LOSS_CHART_HEIGHT, SCREEN_CHART, themedAxis } from "./loss-chart";

/**
 * Loss curves of several runs on one step axis (uPlot), each in its own colour; hidden runs are left
 * out. The chart is rebuilt when the set of shown runs changes and only fed new data otherwise.
 */
export function CompareChart({ curves, hidden, log }: { curves: readonly RunCurve[]; hidden: ReadonlySet<string>; log: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const { theme } = useTheme();
  const visible = useMemo(() => new Set(curves.map((c) => c.id).filter((id) => !hidden.has(id))), [curves, hidden]);
  const overlay = useMemo(() => buildOverlay(curves, visible), [curves, visible]);
  // Colours follow a run's place among all runs, so toggling one never repaints the others.
  const shape = `${overlay.runs.map((r) => `${r.id}:${curves.findIndex((c) => c.id === r.id)}`).join("|")}/${overlay.extents.map((e) => e.run).join(",")}`;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const series: uPlot.Series[] = [{ label: "step" }];
    for (const r of overlay.runs) {
      const style = runStyle(curves.findIndex((c) => c.id === r.id));
      series.push({ label: r.label, stroke: cssVar(style.colourVar), width: 2.5, spanGaps: true, points: { show: false }, ...(style.dashed ? { dash: [8, 5] } : {}) });
    }
    // Each bucketed run's lowest and highest loss per bucket, thin and dotted in its colour, as the loss chart draws them.
    for (const e of overlay.extents) {
      const r = overlay.runs[e.run];
      const colour = cssVar(runStyle(curves.findIndex((c) => c.id === r.id)).colourVar);
      for (const which of ["min", "max"]) series.push({ label: `${r.label} bucket ${which}`, stroke: colour, width: 1, dash: [2, 3], spanGaps: true, points: { show: false } });
    }
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: LOSS_CHART_HEIGHT,
      scales: { x: { time: false }, y: log ? { distr: 3 } : { range: (_u, _min, max) => [0, Math.max(max, 1e-6) * 1.05] } },
      axes: [{ ...themedAxis(), label: "step" }, themedAxis(SCREEN_CHART, true)],
      legend: { show: false },
      series,
    };
    const u = new uPlot(opts, overlay.data, el);
    chart.current = u;
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: LOSS_CHART_HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      chart.current = null;
    };
    // Rebuilt only when the runs shown, the scale or the theme change; new points go through setData below.
  }, [shape, log, theme]);

  useEffect(() => {
    chart.current?.setData(overlay.data);
  }, [overlay]);

  return <div ref={box} className="w-full overflow-hidden" style={{ minHeight: LOSS_CHART_HEIGHT + 10 }} role="img" aria-label={`Loss curves of ${overlay.runs.map((r) => r.label).join(", ") || "no run"}`} />;
}
