import { describe, expect, it } from "vitest";
import { dataDraftOf, dataEditOf } from "@/app/_components/network-edit-model";
import { networkEditSchema, editedConfig } from "@/lib/edit-schema";
import { initialTheta } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";

/** The config the server would run after the console's data edit. */
function afterDataEdit(raw: unknown, change: Partial<ReturnType<typeof dataDraftOf>>) {
  const config = parseEngineConfig(raw);
  const edit = networkEditSchema.parse(dataEditOf(config, { ...dataDraftOf(config), ...change }));
  return editedConfig(config, initialTheta(config), edit);
}

describe("the console's data edit: the output layer follows the targets", () => {
  it("XOR → 3-class spiral takes softmax + ce with three outputs; back to XOR takes a sigmoid, mse and one output", () => {
    const spiral = afterDataEdit({}, { name: "spiral", classes: 3 });
    expect([spiral.layers, spiral.activation.output, spiral.loss, "name" in spiral.dataset && spiral.dataset.classes]).toEqual([[2, 2, 3], "softmax", "ce", 3]);
    const back = afterDataEdit(spiral, { name: "xor", classes: 3 });
    expect([back.layers, back.activation.output, back.loss, "classes" in back.dataset]).toEqual([[2, 2, 1], "sigmoid", "mse", false]);
  });

  it("regression takes a linear output with squared error; noise and the test share are sent as typed", () => {
    const plane = afterDataEdit({ loss: "bce" }, { name: "plane", noise: "0.2", testRatio: "0.3" });
    expect([plane.activation.output, plane.loss]).toEqual(["linear", "mse"]);
    expect(plane.dataset).toMatchObject({ name: "plane", noise: 0.2, testRatio: 0.3 });
    const tanh = afterDataEdit({ activation: { output: "tanh" } }, { name: "circle" });
    expect(tanh.activation.output).toBe("tanh");
  });

  it("a noise out of range is refused by the edit schema, before anything is sent", () => {
    const config = parseEngineConfig({});
    const r = networkEditSchema.safeParse(dataEditOf(config, { ...dataDraftOf(config), noise: "0.9" }));
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ["noise"], message: "must be ≤ 0.5" });
  });
});
