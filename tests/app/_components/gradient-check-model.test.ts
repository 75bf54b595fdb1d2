import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { gradientCheck, traceExamples } from "@/lib/gradient-check";
import { presetConfig } from "@/lib/presets";
import { parseEngineConfig } from "@/lib/schemas";
import { buildGradientCheckView, judgeGradient } from "@/app/_components/gradient-check-model";

describe("gradient-check panel model", () => {
  it("agrees, is close, has the opposite sign, or disagrees", () => {
    expect(judgeGradient({ backprop: 0.1, numeric: 0.1 + 1e-10, relativeError: 1e-9 })).toBe("agree");
    expect(judgeGradient({ backprop: 0.1, numeric: 0.10001, relativeError: 1e-4 })).toBe("close");
    expect(judgeGradient({ backprop: -0.1, numeric: 0.1, relativeError: 1 })).toBe("opposite");
    expect(judgeGradient({ backprop: 0.3, numeric: 0.1, relativeError: 0.67 })).toBe("disagree");
    expect(judgeGradient({ backprop: NaN, numeric: 0.1, relativeError: NaN })).toBe("not-finite");
  });

  it("prints both gradients, h and the relative error, with a sentence for the room", () => {
    const v = buildGradientCheckView({ name: "wo1", backprop: 0.0123456789, numeric: 0.0123456788, h: 1e-5, relativeError: 8.1e-9 });
    expect(v).toMatchObject({ param: "wo1", backprop: "0.0123457", numeric: "0.0123457", relativeError: "8.1e−9", verdict: "agree" });
    expect(v.h).toBe("1e−5");
    expect(v.message).toContain("∂L/∂wo1 matches");
    expect(buildGradientCheckView({ name: "w11", backprop: -0.2, numeric: 0.2, h: 1e-5, relativeError: 2 }).message).toContain("opposite sign");
  });
});

describe("gradient check on real steps (lib/gradient-check.ts)", () => {
  it("agrees for the seed's network and shows the opposite sign under the sign-slip preset", () => {
    const honest = parseEngineConfig({});
    const trace = new Trainer(honest).stepTraced();
    const wo1 = trace.names.indexOf("wo1");
    expect(buildGradientCheckView(gradientCheck(honest, trace.before, traceExamples(trace), wo1)).verdict).toBe("agree");
    const slip = presetConfig("sign-slip");
    const slipTrace = new Trainer(slip).stepTraced();
    expect(buildGradientCheckView(gradientCheck(slip, slipTrace.before, traceExamples(slipTrace), wo1)).verdict).toBe("opposite");
  });
});
