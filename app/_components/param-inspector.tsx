import type { StepFocus } from "@/app/_lib/session-types";
import { formatFixed } from "@/app/_lib/format";

/** Value, gradient and last update of one parameter, under the diagram (hover, tap or focus one). */
export function ParamInspector({ name, index, focus, pinned }: { name: string | null; index: number | null; focus: StepFocus; pinned: boolean }) {
  const trace = focus.trace;
  const has = index !== null && name !== null;
  const value = has ? focus.params[index] : NaN;
  const grad = has && trace ? trace.grad[index] : NaN;
  const delta = has && trace ? trace.after[index] - trace.before[index] : NaN;
  return (
    <div data-testid="param-inspector" aria-live="polite" className="grid min-h-[3.5rem] grid-cols-[auto_1fr] gap-x-3 rounded-md bg-surface-2 px-3 py-1.5 text-sm sm:grid-cols-[auto_auto_auto_auto]">
      {has ? (
        <>
          <span className="font-semibold">
            {name}
            {pinned ? <span className="ml-1 text-xs font-normal text-muted">(selected)</span> : null}
          </span>
          <span>
            value <span className="num">{formatFixed(value)}</span>
          </span>
          <span>
            ∂L/∂{name} <span className="num">{trace ? formatFixed(grad) : "   —   "}</span>
          </span>
          <span>
            Δ this step <span className="num">{trace ? formatFixed(delta) : "   —   "}</span>
          </span>
        </>
      ) : (
        <span className="col-span-full self-center text-muted">Hover, tap or tab to a weight or bias to see its value, gradient and last update; select it to trace its chain rule.</span>
      )}
    </div>
  );
}
