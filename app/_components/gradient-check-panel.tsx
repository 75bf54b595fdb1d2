import { buildGradientCheckView, type GradientCheckNumbers, type GradientVerdict } from "./gradient-check-model";

const VERDICT_CLASS: Record<GradientVerdict, string> = {
  agree: "border-ok",
  close: "border-warn",
  opposite: "border-bad",
  disagree: "border-bad",
  "not-finite": "border-border",
};

const VERDICT_MARK: Record<GradientVerdict, string> = { agree: "✓ agree", close: "≈ close", opposite: "✗ opposite sign", disagree: "✗ disagree", "not-finite": "—" };

/**
 * The selected parameter's gradient two ways: backprop's chain rule and the slope measured by nudging
 * the parameter ±h (central difference) on the same examples, with their relative error.
 */
export function GradientCheckPanel({ check, hint }: { check: GradientCheckNumbers | null; hint?: string }) {
  if (!check) {
    return (
      <section className="flex min-h-[9.5rem] flex-col gap-1" aria-labelledby="gradcheck-title" data-testid="gradient-check">
        <h2 id="gradcheck-title" className="text-lg font-semibold">
          Gradient check
        </h2>
        <p className="text-sm text-muted">{hint ?? "Select a parameter in the diagram or the table to compare backprop with a numerical estimate."}</p>
      </section>
    );
  }
  const v = buildGradientCheckView(check);
  return (
    <section className="flex min-h-[9.5rem] flex-col gap-2" aria-labelledby="gradcheck-title" data-testid="gradient-check" data-verdict={v.verdict}>
      <h2 id="gradcheck-title" className="text-lg font-semibold">
        Gradient check: <span className="font-mono">{v.param}</span>
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-sm">
        <dt>Backprop ∂L/∂{v.param}</dt>
        <dd className="num text-right" data-testid="gradcheck-backprop">
          {v.backprop}
        </dd>
        <dt>
          Finite difference <span className="math">(L(θ+h) − L(θ−h)) / 2h</span>
        </dt>
        <dd className="num text-right" data-testid="gradcheck-numeric">
          {v.numeric}
        </dd>
        <dt>h</dt>
        <dd className="num text-right">{v.h}</dd>
        <dt>Relative error</dt>
        <dd className="num text-right" data-testid="gradcheck-relerr">
          {v.relativeError}
        </dd>
      </dl>
      <p className={`border-l-4 pl-2 text-sm ${VERDICT_CLASS[v.verdict]}`} data-testid="gradcheck-message">
        <b>{VERDICT_MARK[v.verdict]}.</b> {v.message}
      </p>
    </section>
  );
}
