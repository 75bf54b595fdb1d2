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
    if (!r.ok) expect(r.errors.loss).toContain("loss: must be one of mse, bce");
  });
});
