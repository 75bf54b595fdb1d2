"use client";

import { useEffect, useRef } from "react";
import type { FeatureName, Network } from "@/lib/engine";
import { paintField, type PlaneBounds } from "@/app/_lib/field";

/** Pixels per side of a neuron's heatmap (scaled up smoothly by the browser). */
export const HEATMAP_SIZE = 28;

/**
 * What one hidden neuron detects: its activation over the input plane, painted on a canvas with the
 * shared engine's forward pass (repainted when θ changes, i.e. at most once per animation frame).
 */
export function NeuronHeatmap(props: { net: Network; params: ArrayLike<number>; layer: number; neuron: number; bounds: PlaneBounds; range: [number, number]; features?: readonly FeatureName[]; label: string }) {
  const { net, params, layer, neuron, bounds, range, features, label } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const ctx = ref.current?.getContext("2d");
    if (!ctx) return;
    const theta = params instanceof Float64Array ? params : Float64Array.from(params);
    const pixels = paintField(net, theta, bounds, HEATMAP_SIZE, { layer, neuron, range, features });
    ctx.putImageData(new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, HEATMAP_SIZE, HEATMAP_SIZE), 0, 0);
  }, [net, params, layer, neuron, bounds, range, features]);
  return <canvas ref={ref} width={HEATMAP_SIZE} height={HEATMAP_SIZE} role="img" aria-label={`${label}: activation over the input plane`} style={{ width: "100%", height: "100%", display: "block", imageRendering: "auto" }} />;
}
