import { describe, expect, it } from "vitest";
import { Trainer } from "@/lib/engine";
import { parseEngineConfig } from "@/lib/schemas";
import { formatValue } from "@/app/_lib/format";
import { buildNetworkTable, MAX_TABLE_NEURONS } from "@/app/_components/network-table-model";

describe("the network as a table (the diagram's non-visual twin)", () => {
  it("lists the seed's layers with each neuron's activation, bias and incoming weights of the step", () => {
    const config = parseEngineConfig({});
    const trace = new Trainer(config).stepTraced();
    const example = trace.examples[0];
    const [inputs, hidden, output] = buildNetworkTable(config.layers, trace.after, trace, 0);
    expect(inputs.title).toBe("Inputs");
    expect(inputs.rows.map((r) => r.name)).toEqual(["x1", "x2"]);
    expect(inputs.rows[0]).toEqual({ name: "x1", activation: formatValue(example.a[0][0], 3), bias: "", weights: [] });
    expect(hidden.rows.map((r) => r.name)).toEqual(["a1", "a2"]);
    const w11 = trace.names.indexOf("w11");
    const b1 = trace.names.indexOf("b1");
    expect(hidden.rows[0].weights[0]).toBe(`w11 = ${formatValue(trace.after[w11], 3)}`);
    expect(hidden.rows[0].bias).toBe(formatValue(trace.after[b1], 3));
    expect(hidden.rows[0].activation).toBe(formatValue(example.a[1][0], 3));
    expect(output.title).toBe("Output layer");
    expect(output.rows[0].name).toBe("ŷ");
    expect(output.rows[0].weights).toHaveLength(2);
  });

  it("says that no step was taken yet, and counts the neurons a wide layer leaves out", () => {
    const config = parseEngineConfig({ layers: [2, 20, 1] });
    const params = new Trainer(config).exportState().params;
    const [, hidden] = buildNetworkTable(config.layers, params, null, 0);
    expect(hidden.rows).toHaveLength(MAX_TABLE_NEURONS);
    expect(hidden.more).toBe(20 - MAX_TABLE_NEURONS);
    expect(hidden.rows[0].activation).toBe("—");
    expect(hidden.rows[0].weights).toHaveLength(2);
  });
});
