"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { ACTIVATIONS, createLayout, Network, type EngineConfig, type Point } from "@/lib/engine";
import { activationRange, classRgb, cssRgb, divergingRgb, toSigned, type Rgb } from "@/app/_lib/colour-scale";
import { classOf, paintField, planeBounds, toCanvas, type PlaneBounds } from "@/app/_lib/field";
import { fromCanvas } from "@/app/_lib/point-edit";
import { formatValue } from "@/app/_lib/format";
import { trainerFor } from "@/app/_lib/trainer-cache";

/** Pixels per side of the computed field (the canvas scales it up smoothly). */
export const FIELD_SIZE = 64;
/** Backing-store pixels per side of the visible canvas. */
const CANVAS_SIZE = 480;

/** Props of the decision-boundary plot. */
export interface DecisionBoundaryProps {
  config: EngineConfig;
  /** θ to draw with (the broadcast parameters; never the field itself over the wire). */
  params: ArrayLike<number>;
  /** Training-split index of the example this step used, ringed on the plot. */
  highlight?: number | null;
  /** Instructor's data editing: a click at plane point (x1, x2); `remove` for a right or modifier click. */
  onPlaneClick?: (x1: number, x2: number, remove: boolean, radius: number) => void;
  /** On the lecture hall's screen the axis ranges are numbers read from the back row (1rem there is 28 px). */
  projector?: boolean;
}

/**
 * The network's output over the input plane, computed in the browser with the shared engine's forward
 * pass, with the data on top: training points as circles, test points as triangles. Redrawn when θ
 * changes, which the store limits to once per animation frame.
 */
export function DecisionBoundary({ config, params, highlight = null, onPlaneClick, projector = false }: DecisionBoundaryProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const scratch = useRef<{ canvas: HTMLCanvasElement; pixels: Uint8ClampedArray<ArrayBuffer> } | null>(null);
  const [showTest, setShowTest] = useState(true);
  const [discretize, setDiscretize] = useState(false);
  const net = useMemo(() => new Network(createLayout(config.layers), ACTIVATIONS[config.activation.hidden], ACTIVATIONS[config.activation.output]), [config.layers, config.activation]);
  const data = useMemo(() => trainerFor(config).data, [config]);
  // The plane is the data's (x1, x2), whatever features the network's inputs are made of.
  const twoD = (data.train.points[0] ?? data.test.points[0])?.x.length === 2;
  const bounds = useMemo(() => planeBounds([...data.train.points, ...data.test.points]), [data]);
  const classes = config.layers[config.layers.length - 1] > 1;
  const regression = data.task === "regression";
  const range = useMemo(() => (regression ? targetRange([...data.train.points, ...data.test.points]) : activationRange(config.activation.output)), [regression, data, config.activation.output]);
  const colourOf = useMemo(() => (p: Point) => (classes ? classRgb(classOf(p.y), 1) : regression ? divergingRgb(toSigned(p.y[0], range)) : divergingRgb(p.y[0] >= 0.5 ? 1 : -1)), [classes, regression, range]);

  useEffect(() => {
    const ctx = canvas.current?.getContext("2d");
    if (!ctx || !twoD || params.length === 0) return;
    const theta = params instanceof Float64Array ? params : Float64Array.from(params);
    scratch.current ??= createScratch();
    const { canvas: field, pixels } = scratch.current;
    paintField(net, theta, bounds, FIELD_SIZE, { range, discretize, features: config.features, classes }, pixels);
    field.getContext("2d")!.putImageData(new ImageData(pixels, FIELD_SIZE, FIELD_SIZE), 0, 0);
    ctx.imageSmoothingEnabled = !discretize;
    ctx.drawImage(field, 0, 0, CANVAS_SIZE, CANVAS_SIZE);
    drawPoints(ctx, bounds, data.train.points, "circle", highlight, colourOf);
    if (showTest) drawPoints(ctx, bounds, data.test.points, "triangle", null, colourOf);
  }, [net, params, bounds, range, discretize, showTest, data, highlight, twoD, classes, colourOf, config.features]);

  const click = (e: React.MouseEvent<HTMLCanvasElement>, remove: boolean) => {
    if (!onPlaneClick) return;
    e.preventDefault();
    const rect = e.currentTarget.getBoundingClientRect();
    const [x1, x2] = fromCanvas(bounds, rect.width, rect.height, e.clientX - rect.left, e.clientY - rect.top);
    // A drawn point's radius (canvas pixels, plus a little slack) in plane units: a click on its disc hits it.
    const radius = (pointRadius(data.train.points.length) + 4) * ((bounds.xMax - bounds.xMin) / CANVAS_SIZE);
    onPlaneClick(x1, x2, remove || e.shiftKey || e.altKey || e.metaKey || e.ctrlKey, radius);
  };

  const axisText = projector ? "text-base" : "text-xs";
  if (!twoD) return <p className="text-muted">The decision boundary is drawn for data of two inputs (x1, x2).</p>;
  return (
    <figure className="flex flex-col gap-2" data-testid="decision-boundary" data-points={data.train.n + data.test.n}>
      <figcaption className="font-semibold">{regression ? "Output over the plane" : "Decision boundary"}</figcaption>
      <div className="relative mx-auto aspect-square w-full max-w-[30rem]">
        <canvas
          ref={canvas}
          width={CANVAS_SIZE}
          height={CANVAS_SIZE}
          className={`h-full w-full rounded-md border border-border ${onPlaneClick ? "cursor-crosshair" : ""}`}
          role="img"
          aria-label="Network output over the input plane, with the data points"
          data-testid="plane-canvas"
          onClick={onPlaneClick ? (e) => click(e, false) : undefined}
          onContextMenu={onPlaneClick ? (e) => click(e, true) : undefined}
        />
        <span className={`num absolute bottom-1 left-1 rounded bg-surface/80 px-1 ${axisText}`} data-proj-number={projector || undefined}>{`x1 ${formatValue(bounds.xMin, 2)} … ${formatValue(bounds.xMax, 2)}`}</span>
        <span className={`num absolute top-1 left-1 rounded bg-surface/80 px-1 ${axisText}`} data-proj-number={projector || undefined}>{`x2 ${formatValue(bounds.yMin, 2)} … ${formatValue(bounds.yMax, 2)}`}</span>
      </div>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
        {data.test.n > 0 && (
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={showTest} onChange={(e) => setShowTest(e.target.checked)} data-testid="toggle-test-data" /> show test data
          </label>
        )}
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={discretize} onChange={(e) => setDiscretize(e.target.checked)} data-testid="toggle-discretize" /> discretize output
        </label>
      </div>
      <p className="text-xs text-muted">
        ● training point{data.test.n > 0 ? ", ▲ test point" : ""}; {legend(classes ? config.layers[config.layers.length - 1] : 0, regression, range)} The ringed point is this step&apos;s example.
      </p>
    </figure>
  );
}

/** Radius in canvas pixels of the points drawn from a list of n (smaller when there are many). */
function pointRadius(n: number): number {
  return n > 100 ? 5 : 9;
}

/** A field-sized canvas and pixel buffer, reused every redraw, scaled up onto the visible canvas. */
function createScratch(): { canvas: HTMLCanvasElement; pixels: Uint8ClampedArray<ArrayBuffer> } {
  const canvas = document.createElement("canvas");
  canvas.width = FIELD_SIZE;
  canvas.height = FIELD_SIZE;
  return { canvas, pixels: new Uint8ClampedArray(FIELD_SIZE * FIELD_SIZE * 4) };
}

/** The colour key in words: classes by colour, or the target's range for regression. */
function legend(classCount: number, regression: boolean, [lo, hi]: [number, number]): string {
  if (regression) return `orange = ${formatValue(lo, 2)}, grey = ${formatValue((lo + hi) / 2, 2)}, blue = ${formatValue(hi, 2)} (target and output).`;
  if (classCount > 1) return `${CLASS_NAMES.slice(0, classCount).map((name, k) => `${name} = class ${k}`).join(", ")}.`;
  return "blue = class 1, orange = class 0.";
}

/** Names of the class colours of colour-scale's CLASS_RGB, in order. */
const CLASS_NAMES = ["orange", "blue", "green", "purple"];

/** The smallest and largest target of regression data, widened when they coincide. */
function targetRange(points: Point[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.y[0]);
    hi = Math.max(hi, p.y[0]);
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  return hi - lo < 1e-9 ? [lo - 1, hi + 1] : [lo, hi];
}

function drawPoints(ctx: CanvasRenderingContext2D, bounds: PlaneBounds, points: Point[], shape: "circle" | "triangle", highlight: number | null, colourOf: (p: Point) => Rgb): void {
  const r = pointRadius(points.length);
  points.forEach((p, k) => {
    const [x, y] = toCanvas(bounds, CANVAS_SIZE, CANVAS_SIZE, p.x[0], p.x[1]);
    ctx.beginPath();
    if (shape === "circle") ctx.arc(x, y, r, 0, 2 * Math.PI);
    else {
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r * 1.1, y + r * 0.8);
      ctx.lineTo(x - r * 1.1, y + r * 0.8);
      ctx.closePath();
    }
    ctx.fillStyle = cssRgb(colourOf(p));
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = shape === "circle" ? "#fff" : "#000";
    ctx.stroke();
    if (k === highlight) {
      ctx.beginPath();
      ctx.arc(x, y, r + 6, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#000";
      ctx.stroke();
    }
  });
}
