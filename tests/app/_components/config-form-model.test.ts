import { describe, expect, it } from "vitest";
import { DEFAULT_DRAFT, readDraft } from "@/app/_components/config-form-model";

describe("start form: the loss", () => {
  it("sends the chosen loss; the default is the seed's squared error", () => {
    const mse = readDraft(DEFAULT_DRAFT);
    expect(mse.ok && mse.body.loss).toBe("mse");
    const bce = readDraft({ ...DEFAULT_DRAFT, loss: "bce" });
    expect(bce.ok && bce.body.loss).toBe("bce");
  });

  it("puts cross-entropy's need for a sigmoid output under the output activation field", () => {
    const r = readDraft({ ...DEFAULT_DRAFT, loss: "bce", output: "linear" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors["activation.output"]).toContain("must be sigmoid when loss is bce");
  });

  it("refuses a loss the form does not offer (the sign-slip loss is only for its demo)", () => {
    const r = readDraft({ ...DEFAULT_DRAFT, loss: "mse-seed-sign" });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.loss).toContain("Loss must be one of mse, bce");
  });
});

describe("form messages name the field as the form labels it", () => {
  it("says 'Learning rate must be at most 10', counts items from 1, and checks the title's length like the server", () => {
    const lr = readDraft({ ...DEFAULT_DRAFT, learningRate: "11" });
    expect(!lr.ok && lr.errors.learningRate).toBe("Learning rate must be at most 10");
    const layers = readDraft({ ...DEFAULT_DRAFT, layers: "2, 65, 1" });
    expect(!layers.ok && layers.errors.layers).toBe("Layer sizes (item 2) must be at most 64");
    const noise = readDraft({ ...DEFAULT_DRAFT, noise: "0.9" });
    expect(!noise.ok && noise.errors["dataset.noise"]).toBe("Noise must be at most 0.5");
    const title = readDraft({ ...DEFAULT_DRAFT, title: "x".repeat(121) });
    expect(!title.ok && title.errors.title).toBe("Title must be at most 120 characters, got 121");
  });
});
