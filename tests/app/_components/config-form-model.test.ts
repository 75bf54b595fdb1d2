import { describe, expect, it } from "vitest";
import { datasetsFor, DEFAULT_DRAFT, readDraft, withClasses, withFeatures, withTask } from "@/app/_components/config-form-model";
import { configInputBounds, configLimit, stopLimit } from "@/app/_components/field-limits";
import { MAX_CLASSES } from "@/lib/engine";
import { MAX_LAYER_SIZE, MAX_LAYERS, MAX_POINTS } from "@/lib/schemas";

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
    expect(!title.ok && title.errors.title).toBe("Title must be at most 120 characters");
    const control = readDraft({ ...DEFAULT_DRAFT, title: "a\u0000b" });
    expect(!control.ok && control.errors.title).toBe("Title must not contain control characters or broken Unicode");
  });
});

describe("start form: features, task, schedule and stop condition (issue 15)", () => {
  it("features keep layers[0] in step, and the task sets the output layer, its activation and the loss", () => {
    const f = withFeatures(DEFAULT_DRAFT, ["x2^2", "x1", "x1^2", "x2"]);
    expect(f.features).toEqual(["x1", "x2", "x1^2", "x2^2"]);
    expect(f.layers).toBe("4, 2, 1");
    const multi = withClasses(withTask({ ...f, dataset: "xor" }, "multiclass"), "4");
    expect([multi.layers, multi.output, multi.loss, multi.dataset, multi.learningRate]).toEqual(["4, 2, 4", "softmax", "ce", "spiral", "0.5"]);
    const r = readDraft(multi);
    expect(r.ok && r.body).toMatchObject({ layers: [4, 2, 4], features: ["x1", "x2", "x1^2", "x2^2"], loss: "ce", dataset: { name: "spiral", classes: 4 } });
    const reg = withTask(DEFAULT_DRAFT, "regression");
    expect([reg.layers, reg.output, reg.loss, reg.dataset]).toEqual(["2, 2, 1", "linear", "mse", "plane"]);
    expect(readDraft(reg).ok).toBe(true);
    expect(datasetsFor("regression")).toEqual(["plane", "multi-gaussian"]);
    expect(datasetsFor("binary")).not.toContain("plane");
  });

  it("names the field of a bad schedule, class count, feature list or stop condition", () => {
    const every = readDraft({ ...DEFAULT_DRAFT, lrKind: "step", lrEvery: "0" });
    expect(!every.ok && every.errors["lrSchedule.every"]).toBe("Decay every (steps) must be at least 1");
    const factor = readDraft({ ...DEFAULT_DRAFT, lrKind: "step", lrFactor: "2" });
    expect(!factor.ok && factor.errors["lrSchedule.factor"]).toBe("Decay factor must be at most 1");
    const classes = readDraft(withClasses(withTask(DEFAULT_DRAFT, "multiclass"), "5"));
    expect(!classes.ok && classes.errors["dataset.classes"]).toBe("Classes must be at most 4");
    const none = readDraft(withFeatures(DEFAULT_DRAFT, []));
    expect(!none.ok && none.errors.features).toBe("Input features needs at least one feature");
    const stop = readDraft({ ...DEFAULT_DRAFT, stopKind: "steps", stopValue: "1.5" });
    expect(!stop.ok && stop.errors.stop).toBe("Stop at must be an integer");
    const ok = readDraft({ ...DEFAULT_DRAFT, stopKind: "loss", stopValue: "0.05", lrKind: "inverse", lrDecay: "0.01" });
    expect(ok.ok && [ok.stop, ok.body.lrSchedule]).toEqual([{ kind: "loss", below: 0.05 }, { kind: "inverse", decay: 0.01 }]);
  });
});

describe("limit hints are read from the server's schemas", () => {
  it("describes each field's limits from lib/schemas.ts and lib/stop-schema.ts", () => {
    expect(configLimit("dataset.noise")).toBe("0 to 0.5");
    expect(configLimit("learningRate")).toBe("more than 0, at most 10");
    expect(configLimit("layers", "layers")).toBe(`2 to ${MAX_LAYERS} layers, each 1 to ${MAX_LAYER_SIZE}`);
    expect(configLimit("dataset.classes")).toBe(`whole number, 2 to ${MAX_CLASSES}`);
    expect(configLimit("lrSchedule.factor")).toBe("more than 0, at most 1");
    expect(configLimit("dataset.size")).toBe(`whole number, 4 to ${MAX_POINTS.toLocaleString("en-GB")}`);
    expect(stopLimit("epochs")).toBe("whole number, 1 to 1,000,000");
    expect(configInputBounds("dataset.testRatio")).toEqual({ min: 0, max: 0.9 });
    expect(configLimit("layers.items")).toBe(`whole number, 1 to ${MAX_LAYER_SIZE}`);
    expect(configLimit("no.such")).toBe("");
  });
});
