import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { EquationPanel } from "@/app/_components/equation-panel";
import { ParameterTable } from "@/app/_components/parameter-table";
import { formatFixed, formatValue } from "@/app/_lib/format";
import type { StepFocus } from "@/app/_lib/session-types";

const config = parseEngineConfig({ params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] } });
const trace = new Trainer(config).stepTraced();
const focus: StepFocus = { kind: "live", step: 1, trace, params: trace.after, before: trace.before, phase: "backward", mismatch: false };
const noop = () => undefined;

describe("EquationPanel", () => {
  const html = renderToStaticMarkup(<EquationPanel config={config} focus={focus} exampleIndex={0} onExampleIndex={noop} selected={trace.names.indexOf("w12")} />);

  it("shows w12's gradient as the seed's product of factors with this step's numbers", () => {
    expect(html).toContain("∂L/∂w12 = ∂L/∂ŷ · f&#x27;(zo) · wo1 · f&#x27;(z1) · x2");
    expect(html).toContain(formatValue(trace.grad[1]));
  });

  it("shows the corrected sign and the seed's slip", () => {
    expect(html).toContain("∂L/∂ŷ = 2(ŷ − y).");
    expect(html).toContain("The seed document writes 2(y − ŷ) — that sign would make the update climb the loss.");
  });

  it("highlights the phase being walked", () => {
    expect(html).toContain('data-testid="equations-backward" data-active="true"');
    expect(html).toContain('data-testid="equations-forward" data-active="false"');
    expect(html).toContain('data-phase="backward"');
  });
});

describe("ParameterTable", () => {
  it("lists every parameter under its seed name with value, gradient and Δ", () => {
    const html = renderToStaticMarkup(<ParameterTable names={trace.names} focus={focus} selected={null} onSelect={noop} />);
    for (const name of ["w11", "w12", "w21", "w22", "b1", "b2", "wo1", "wo2", "bo"]) expect(html).toContain(`data-testid="param-value-${name}"`);
    expect(html).toContain(`data-testid="param-grad-w12">${formatFixed(trace.grad[1])}<`);
    expect(html).toContain(`data-testid="param-delta-w12">${formatFixed(trace.after[1] - trace.before[1])}<`);
  });
});
