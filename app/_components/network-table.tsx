"use client";

import { useMemo } from "react";
import type { EngineConfig } from "@/lib/engine";
import type { StepFocus } from "@/app/_lib/session-types";
import { buildNetworkTable } from "./network-table-model";

/**
 * The network diagram as tables, one per layer (each neuron's activation on the example, its bias and
 * its incoming weights), in a disclosure a keyboard and a screen reader reach: the picture's
 * non-visual twin. It shows the θ the diagram draws (before the step while a walk is mid-way).
 */
export function NetworkTable({ config, focus, exampleIndex }: { config: EngineConfig; focus: StepFocus; exampleIndex: number }) {
  const showBefore = focus.phase !== null && focus.phase !== "update" && focus.before !== null;
  const params = showBefore ? focus.before! : focus.params;
  const layers = useMemo(() => (params.length === 0 ? [] : buildNetworkTable(config.layers, params, focus.trace, exampleIndex)), [config.layers, params, focus.trace, exampleIndex]);
  if (layers.length === 0) return null;
  return (
    <details className="mt-2 text-sm" data-testid="network-table">
      <summary className="cursor-pointer font-semibold">The network as a table</summary>
      <p className="mt-1 text-muted">
        Step <span className="num">{focus.step}</span>
        {showBefore ? ", values before its update" : ""}; activations on {focus.trace ? `example #${focus.trace.examples[Math.min(exampleIndex, focus.trace.examples.length - 1)]?.index ?? 0}` : "no example yet (no step taken)"}.
      </p>
      {layers.map((layer) => (
        <table key={layer.title} className="mt-2 w-full border-collapse text-left">
          <caption className="text-left font-semibold">{layer.title}</caption>
          <thead>
            <tr className="border-b border-border">
              <th scope="col" className="pr-2">neuron</th>
              <th scope="col" className="pr-2 text-right">activation</th>
              {layer.rows[0]?.bias !== "" ? <th scope="col" className="pr-2 text-right">bias</th> : null}
              {layer.rows[0]?.weights.length ? <th scope="col">incoming weights</th> : null}
            </tr>
          </thead>
          <tbody>
            {layer.rows.map((r) => (
              <tr key={r.name} className="border-b border-border/60 align-top">
                <th scope="row" className="pr-2 font-mono font-normal">{r.name}</th>
                <td className="num pr-2 text-right">{r.activation}</td>
                {r.bias !== "" ? <td className="num pr-2 text-right">{r.bias}</td> : null}
                {r.weights.length ? <td className="num">{r.weights.join(", ")}</td> : null}
              </tr>
            ))}
            {layer.more > 0 ? (
              <tr>
                <td colSpan={4} className="text-muted">… and {layer.more} more neurons (the parameter table lists every weight).</td>
              </tr>
            ) : null}
          </tbody>
        </table>
      ))}
    </details>
  );
}
