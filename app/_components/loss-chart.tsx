"use client";

import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { LossHistory } from "@/app/_lib/loss-history";
import { useTheme } from "@/app/_hooks/use-theme";

/** Height of the plot area in CSS pixels (reserved, so nothing shifts when it appears). */
export const LOSS_CHART_HEIGHT = 220;

/** Something that says when the history may have grown: the session store or a replay. */
export interface HistorySource {
  history: LossHistory;
  subscribe(listener: () => void): () => void;
}

/** Tick spacings of the step axis: whole steps only (1, 2, 5, 10, 20, 50 …), never 2.5 or 1.25. */
const STEP_INCREMENTS = Array.from({ length: 30 }, (_, k) => [1, 2, 5][k % 3] * 10 ** Math.floor(k / 3));

/** A colour of the current theme (CSS custom property), for canvas drawing. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || "#888";
}

/** Text sizes of a uPlot chart in CSS pixels: tick numbers, axis names, and the plot's height. */
export interface ChartText {
  tickPx: number;
  labelPx: number;
  height: number;
}

/** A laptop or a phone: uPlot's own 12 px axis text. */
export const SCREEN_CHART: ChartText = { tickPx: 12, labelPx: 12, height: LOSS_CHART_HEIGHT };
/** The projector at 1920×1080, read from the back row: numbers ≥ 28 px, labels ≥ 20 px (issue 14). */
export const PROJECTOR_CHART: ChartText = { tickPx: 28, labelPx: 22, height: 520 };

const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

/** The theme's axis style for uPlot charts, its text sized by `text`; `wide` is the y axis (room for "0.250"). */
export function themedAxis(text: ChartText = SCREEN_CHART, wide = false): uPlot.Axis {
  const fg = cssVar("--fg");
  const grid = cssVar("--border");
  const axis: uPlot.Axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, size: wide ? 60 : 50 };
  if (text === SCREEN_CHART) return axis;
  // uPlot's sizes (axis 50, label 30, tick spacing) are made for its 12 px text: grown with ours.
  const grow = text.tickPx / 12;
  return {
    ...axis,
    font: `${text.tickPx}px ${FONT_FAMILY}`,
    labelFont: `bold ${text.labelPx}px ${FONT_FAMILY}`,
    labelSize: Math.round(text.labelPx * 1.4),
    size: wide ? Math.round(60 * grow * 0.8) : text.tickPx + 24,
    // Ticks at least ~2 (y) or ~3 (x) text heights apart, as uPlot's defaults are at 12 px.
    space: Math.round(text.tickPx * (wide ? 2.2 : 3)),
  };
}

/**
 * Batch, training and test loss over steps with uPlot. The columns grow in place; the chart calls
 * `setData` only when the history's version changed, at most once per animation frame (the source
 * notifies per frame), which keeps 60 steps/s with 100,000+ points smooth.
 */
export function LossChart({ source, text = SCREEN_CHART }: { source: HistorySource; text?: ChartText }) {
  const box = useRef<HTMLDivElement>(null);
  const [log, setLog] = useState(false);
  const { theme } = useTheme();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const h = source.history;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: text.height,
      scales: { x: { time: false }, y: log ? { distr: 3 } : { range: (_u, _min, max) => [0, Math.max(max, 1e-6) * 1.05] } },
      axes: [{ ...themedAxis(text), label: "step", incrs: STEP_INCREMENTS }, themedAxis(text, true)],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: "step" },
        { label: "batch loss", stroke: cssVar("--muted"), width: 1, points: { show: false } },
        { label: "train loss", stroke: cssVar("--pos"), width: 2.5, spanGaps: true },
        { label: "test loss", stroke: cssVar("--neg"), width: 2.5, dash: [8, 5], spanGaps: true },
        { label: "bucket min", stroke: cssVar("--muted"), width: 1, dash: [2, 3], points: { show: false } },
        { label: "bucket max", stroke: cssVar("--muted"), width: 1, dash: [2, 3], points: { show: false } },
      ],
    };
    const chart = new uPlot(opts, [h.steps, h.batchLoss, h.trainLoss, h.testLoss, h.low, h.high], el);
    let drawn = h.version;
    const unsubscribe = source.subscribe(() => {
      const now = source.history;
      if (now.version === drawn) return;
      drawn = now.version;
      chart.setData([now.steps, now.batchLoss, now.trainLoss, now.testLoss, now.low, now.high]);
    });
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: text.height }));
    resize.observe(el);
    return () => {
      unsubscribe();
      resize.disconnect();
      chart.destroy();
    };
  }, [source, log, theme, text]);

  return (
    <figure className="flex flex-col gap-1" data-testid="loss-chart">
      <div className="flex items-center justify-between gap-2">
        <figcaption className="font-semibold">Loss over steps</figcaption>
        <label className="flex items-center gap-1 text-sm">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale
        </label>
      </div>
      <div ref={box} className={`w-full overflow-hidden ${text === SCREEN_CHART ? "" : "chart-legend-rem"}`} style={{ minHeight: text.height + 40 }} role="img" aria-label="Loss over steps: batch loss, training loss and test loss" />
      <p className="text-xs text-muted">Batch loss every step (thin grey; earlier steps as the mean of each stored bucket, with its min and max dotted, so spikes survive); train (solid) and test (dashed) loss over the whole split at the end of each epoch.</p>
    </figure>
  );
}
