import { describe, expect, it } from "vitest";
import { SEED_PARAM_NAMES, Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/*
 * The seed's 2-2-1 sigmoid network, one step worked by hand (30-digit decimal arithmetic), lr η = 0.5,
 * one example x = (0, 1), y = 1, starting from
 *   w11 = 0.1, w12 = 0.2, w21 = 0.3, w22 = 0.4, b1 = b2 = 0.1, wo1 = 0.5, wo2 = 0.6, bo = 0.2.
 *
 * Forward
 *   z1 = 0.1·0 + 0.2·1 + 0.1 = 0.3            a1 = σ(0.3) = 0.574442516811658987
 *   z2 = 0.3·0 + 0.4·1 + 0.1 = 0.5            a2 = σ(0.5) = 0.622459331201854565
 *   zo = 0.5·a1 + 0.6·a2 + 0.2 = 0.860696857126942232   ŷ = σ(zo) = 0.702806227205409840
 * Loss
 *   L = (1 − ŷ)² = 0.0883241385878824786
 * Backward (correct sign: ∂L/∂ŷ = 2(ŷ − y))
 *   ∂L/∂ŷ = 2(0.702806… − 1) = −0.594387545589180321
 *   δo = ∂L/∂ŷ · ŷ(1 − ŷ) = −0.124149509224234880
 *   δ1 = δo · wo1 · a1(1 − a1) = −0.0151746897110955698
 *   δ2 = δo · wo2 · a2(1 − a2) = −0.0175053573214207764
 *   ∂L/∂w11 = δ1·x1 = 0         ∂L/∂w12 = δ1·x2 = −0.0151746897110955698
 *   ∂L/∂w21 = δ2·x1 = 0         ∂L/∂w22 = δ2·x2 = −0.0175053573214207764
 *   ∂L/∂b1 = δ1                 ∂L/∂b2 = δ2
 *   ∂L/∂wo1 = δo·a1 = −0.0713167565397017574    ∂L/∂wo2 = δo·a2 = −0.0772780204807557173
 *   ∂L/∂bo = δo = −0.124149509224234880
 * Update θ ← θ − 0.5·∂L/∂θ
 *   w11 = 0.1   w12 = 0.207587344855547785   w21 = 0.3   w22 = 0.408752678660710388
 *   b1 = 0.107587344855547785   b2 = 0.108752678660710388
 *   wo1 = 0.535658378269850879  wo2 = 0.638639010240377859  bo = 0.262074754612117440
 * The loss on the same example after the update: 0.0753499165362255253 (it went down).
 */
const SEED_CONFIG = parseEngineConfig({
  params: { weights: [[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.6]]], biases: [[0.1, 0.1], [0.2]] },
  learningRate: 0.5,
  dataset: { points: [{ x: [0, 1], y: [1] }] },
});

const EXPECTED_GRAD = [0, -0.0151746897110955698, 0, -0.0175053573214207764, -0.0151746897110955698, -0.0175053573214207764, -0.0713167565397017574, -0.0772780204807557173, -0.124149509224234880];
const EXPECTED_AFTER = [0.1, 0.207587344855547785, 0.3, 0.408752678660710388, 0.107587344855547785, 0.108752678660710388, 0.535658378269850879, 0.638639010240377859, 0.262074754612117440];

describe("the seed's 2-2-1 network, first step by hand", () => {
  const trace = new Trainer(SEED_CONFIG).stepTraced();
  const ex = trace.examples[0];

  it("forward pass", () => {
    expect(ex.z[1][0]).toBeCloseTo(0.3, 15);
    expect(ex.z[1][1]).toBeCloseTo(0.5, 15);
    expect(ex.a[1][0]).toBeCloseTo(0.574442516811658987, 15);
    expect(ex.a[1][1]).toBeCloseTo(0.622459331201854565, 15);
    expect(ex.z[2][0]).toBeCloseTo(0.860696857126942232, 15);
    expect(ex.a[2][0]).toBeCloseTo(0.70280622720540984, 15);
  });

  it("loss and ∂L/∂ŷ with the correct sign 2(ŷ − y)", () => {
    expect(trace.loss).toBeCloseTo(0.0883241385878824786, 15);
    expect(ex.dLdyhat[0]).toBeCloseTo(-0.594387545589180321, 15);
    expect(ex.delta[2][0]).toBeCloseTo(-0.12414950922423488, 15);
    expect(ex.delta[1][0]).toBeCloseTo(-0.0151746897110955698, 15);
    expect(ex.delta[1][1]).toBeCloseTo(-0.0175053573214207764, 15);
  });

  it("every gradient and every update, by the seed's names", () => {
    expect(trace.names).toEqual([...SEED_PARAM_NAMES]);
    trace.grad.forEach((g, k) => expect(g, trace.names[k]).toBeCloseTo(EXPECTED_GRAD[k], 15));
    trace.after.forEach((v, k) => expect(v, trace.names[k]).toBeCloseTo(EXPECTED_AFTER[k], 15));
  });

  it("the update lowers the loss on that example", () => {
    const t = new Trainer(SEED_CONFIG);
    t.stepOnce();
    expect(t.evaluate("train").loss).toBeCloseTo(0.0753499165362255253, 15);
  });
});
