"use client";

import { useState } from "react";
import type { ActivationName, ExampleTrace } from "@/lib/engine";
import { formatValue } from "@/app/_lib/format";
import { compareLosses, type LossColumn } from "./loss-compare-model";

const ROWS: [string, (c: LossColumn) => number][] = [
  ["L", (c) => c.value],
  ["∂L/∂ŷ", (c) => c.dLdyhat],
  ["δo = ∂L/∂ŷ · σ'(zo)", (c) => c.delta],
];

/**
 * "Compare losses" in the equation panel: this example's loss, ∂L/∂ŷ and δo under squared error and
 * cross-entropy, the run's own loss marked — to see why cross-entropy keeps learning where σ saturates.
 */
export function LossCompare({ example, output, loss }: { example: ExampleTrace; output: ActivationName; loss: string }) {
  const [open, setOpen] = useState(false);
  const columns = compareLosses(example, output, loss);
  if (!columns) return null;
  return (
    <div className="text-sm" data-testid="loss-compare">
      <button type="button" className="underline" aria-expanded={open} onClick={() => setOpen((o) => !o)} data-testid="loss-compare-toggle">
        {open ? "Hide" : "Compare"} squared error and cross-entropy on this example
      </button>
      {open ? (
        <table className="mt-1 w-full border-collapse">
          <thead>
            <tr className="border-b border-border text-left">
              <th scope="col" className="py-0.5 pr-2 font-semibold" />
              {columns.map((c) => (
                <th key={c.loss} scope="col" className="py-0.5 pr-2 text-right font-semibold">
                  {c.label}
                  {c.used ? " (this run)" : ""}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.map(([label, pick]) => (
              <tr key={label} className="border-b border-border/60">
                <th scope="row" className="py-0.5 pr-2 text-left font-normal">
                  <span className="math">{label}</span>
                </th>
                {columns.map((c) => (
                  <td key={c.loss} className={`num py-0.5 pr-2 text-right ${c.used ? "font-bold" : ""}`}>
                    {formatValue(pick(c))}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
