import { describe, expect, it } from "vitest";
import { renderToStaticMarkup } from "react-dom/server";
import { Trainer } from "@/lib/engine";
import { gradientCheck, traceExamples } from "@/lib/gradient-check";
import { presetConfig, presetNote } from "@/lib/presets";
import { GradientCheckPanel } from "@/app/_components/gradient-check-panel";
import { LayerNorms, logShare } from "@/app/_components/layer-norms";
import { PollTally } from "@/app/_components/poll-tally";
import { PresetNote } from "@/app/_components/preset-note";
import type { StepFocus } from "@/app/_lib/session-types";

describe("PollTally", () => {
  it("draws one bar per answer with its count and percentage, the right one marked after the reveal", () => {
    const html = renderToStaticMarkup(<PollTally kind="param-direction" counts={{ up: 2, down: 1, stay: 1 }} correct="up" />);
    expect(html).toContain('data-testid="tally-up" data-count="2" data-correct="true"');
    expect(html).toContain('data-testid="tally-down" data-count="1" data-correct="false"');
    expect(html).toContain("50%");
    expect(html).toContain('data-testid="tally-total">4<');
    expect(html).toContain("↑ Up ✓");
  });
});

describe("GradientCheckPanel", () => {
  it("prints backprop and the finite difference of the selected parameter for a real step", () => {
    const config = presetConfig("sign-slip");
    const trace = new Trainer(config).stepTraced();
    const check = gradientCheck(config, trace.before, traceExamples(trace), trace.names.indexOf("wo1"));
    const html = renderToStaticMarkup(<GradientCheckPanel check={check} />);
    expect(html).toContain('data-verdict="opposite"');
    expect(html).toContain("Gradient check: <span class=\"font-mono\">wo1</span>");
    expect(html).toContain("opposite sign");
  });

  it("asks for a selection when none is made", () => {
    expect(renderToStaticMarkup(<GradientCheckPanel check={null} />)).toContain("Select a parameter");
  });
});

describe("PresetNote and per-layer gradient sizes", () => {
  it("shows the saturated-sigmoid explanation with the first layer's |∂L/∂w| far below the output layer's", () => {
    const config = presetConfig("saturated-sigmoid");
    const trace = new Trainer(config).stepTraced();
    const focus: StepFocus = { kind: "live", step: 1, trace, params: trace.after, before: trace.before, phase: null, mismatch: false };
    const html = renderToStaticMarkup(<PresetNote note={presetNote("saturated-sigmoid")} config={config} focus={focus} />);
    expect(html).toContain('data-preset="saturated-sigmoid"');
    expect(html).toContain("σ&#x27;(z) = σ(z)(1 − σ(z))");
    const widths = [...html.matchAll(/layer-norm-(\d)[\s\S]*?width:([\d.]+)%/g)].map((m) => Number(m[2]));
    expect(widths).toHaveLength(3);
    expect(widths[0]).toBeLessThan(widths[2]);
  });

  it("puts values on a log scale between 1e−8 and the largest", () => {
    expect(logShare(1, 1)).toBe(1);
    expect(logShare(1e-4, 1)).toBeCloseTo(0.5, 12);
    expect(logShare(0, 1)).toBe(0);
    expect(renderToStaticMarkup(<LayerNorms norms={[1e-6, 0.1]} />)).toContain("W2 (output)");
  });
});
