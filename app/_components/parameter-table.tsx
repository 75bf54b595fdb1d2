"use client";

import type { StepFocus } from "@/app/_lib/session-types";
import { formatFixed } from "@/app/_lib/format";

/** Rows shown before the table says "… more" (a 64-wide network has thousands of parameters). */
const MAX_ROWS = 80;

/** Props of the parameter table. */
export interface ParameterTableProps {
  names: readonly string[];
  focus: StepFocus;
  selected: number | null;
  onSelect(index: number | null): void;
}

/** Every weight and bias (seed names for 2-2-1): its value, its gradient, and how much this step moved it. */
export function ParameterTable({ names, focus, selected, onSelect }: ParameterTableProps) {
  const trace = focus.trace;
  const rows = names.slice(0, MAX_ROWS);
  return (
    <div className="overflow-x-auto" data-testid="parameter-table">
      <table className="w-full border-collapse text-sm">
        <caption className="mb-1 text-left text-muted">
          {focus.kind === "pending" ? "Values before the step being walked through; Δ is what its update will do." : "Values after this step; gradient and Δ of this step."}
        </caption>
        <thead>
          <tr className="border-b border-border text-left">
            <th scope="col" className="py-1 pr-2 font-semibold">
              θ
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-semibold">
              value
            </th>
            <th scope="col" className="py-1 pr-2 text-right font-semibold">
              ∂L/∂θ
            </th>
            <th scope="col" className="py-1 text-right font-semibold">
              Δ
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((name, k) => {
            const isSelected = selected === k;
            return (
              <tr key={name} className={`border-b border-border/60 ${isSelected ? "bg-surface-2 outline-2 outline-path" : ""}`}>
                <th scope="row" className="py-0.5 pr-2 text-left font-normal">
                  <button type="button" aria-pressed={isSelected} onClick={() => onSelect(isSelected ? null : k)} className="rounded px-1 font-mono underline decoration-dotted underline-offset-2 hover:bg-surface-2" data-testid={`param-select-${name}`}>
                    {name}
                  </button>
                </th>
                <td className="num min-w-[9ch] py-0.5 pr-2 text-right" data-testid={`param-value-${name}`}>
                  {formatFixed(focus.params[k])}
                </td>
                <td className="num min-w-[9ch] py-0.5 pr-2 text-right" data-testid={`param-grad-${name}`}>
                  {trace ? formatFixed(trace.grad[k]) : "        —"}
                </td>
                <td className="num min-w-[9ch] py-0.5 text-right" data-testid={`param-delta-${name}`}>
                  {trace ? formatFixed(trace.after[k] - trace.before[k]) : "        —"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {names.length > MAX_ROWS ? <p className="mt-1 text-sm text-muted">… and {names.length - MAX_ROWS} more parameters.</p> : null}
    </div>
  );
}
